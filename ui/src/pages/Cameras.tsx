import { HealthPill } from '../components/HealthPill.tsx';
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api.ts';
import { LiveVideo } from '../components/LiveVideo.tsx';
import { t } from '../i18n.ts';
import { useSignal } from '../signal.ts';
import { session } from '../state.ts';

interface Camera {
  id: string;
  name: string;
  location: string | null;
  health: string;
  detail: string | null;
  model: string | null;
}

function Ptz({ id }: { id: string }) {
  const [presets, setPresets] = useState<{ token: string; name: string }[]>([]);
  useEffect(() => {
    void api<{ token: string; name: string }[]>('GET', `/api/cameras/${id}/presets`).then(setPresets, () =>
      setPresets([]),
    );
  }, [id]);
  const ptz = (body: object) => void api('POST', `/api/cameras/${id}/ptz`, body).catch(() => {});
  const hold = (x: number, y: number, zoom = 0) => ({
    onPointerDown: () => ptz({ action: 'move', x, y, zoom }),
    onPointerUp: () => ptz({ action: 'stop' }),
    onPointerLeave: () => ptz({ action: 'stop' }),
  });
  return (
    <div class="toolbar" data-testid="ptz">
      <button {...hold(-0.5, 0)}>◀</button>
      <button {...hold(0, 0.5)}>▲</button>
      <button {...hold(0, -0.5)}>▼</button>
      <button {...hold(0.5, 0)}>▶</button>
      <button {...hold(0, 0, 0.5)}>＋</button>
      <button {...hold(0, 0, -0.5)}>－</button>
      {presets.map((p) => (
        <button type="button" data-preset={p.token} onClick={() => ptz({ action: 'preset', preset: p.token })}>
          {t('preset')} {p.name}
        </button>
      ))}
    </div>
  );
}

export function Cameras() {
  const s = useSignal(session);
  const [cams, setCams] = useState<Camera[]>([]);
  const [tick, setTick] = useState(0);
  const selected = location.hash.split('/')[2] ?? null;
  useEffect(() => {
    const load = () => {
      void api<Camera[]>('GET', '/api/cameras').then(setCams);
      setTick((n) => n + 1);
    };
    load();
    const timer = setInterval(load, 5000);
    return () => clearInterval(timer);
  }, []);
  const cam = cams.find((c) => c.id === selected);
  if (cam) {
    return (
      <>
        <h2>
          <a href="#/cameras">{t('cameras')}</a> / {cam.name} <HealthPill health={cam.health} />
        </h2>
        <LiveVideo cameraId={cam.id} />
        {(s?.role === 'guard' || s?.role === 'admin') && <Ptz id={cam.id} />}
      </>
    );
  }
  return (
    <>
      <h2>{t('cameras')}</h2>
      <div class="grid" data-testid="camera-grid">
        {cams.map((c) => (
          <a class="card" href={`#/cameras/${c.id}`} data-camera={c.id} style="text-decoration:none;color:inherit">
            <h3>
              {c.name} <HealthPill health={c.health} />
            </h3>
            {c.health === 'online' ? (
              <img src={`/api/cameras/${c.id}/snapshot?t=${tick}`} style="width:100%" alt="" />
            ) : (
              <div class="muted">{c.detail}</div>
            )}
            <div class="muted">
              {c.location ?? ''} {c.model ?? ''}
            </div>
          </a>
        ))}
      </div>
    </>
  );
}
