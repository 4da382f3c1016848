import { HealthPill } from '../components/HealthPill.tsx';
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api.ts';
import { LiveVideo } from '../components/LiveVideo.tsx';
import { fmtTime, t, tf } from '../i18n.ts';
import { useSignal } from '../signal.ts';
import { alarms, session } from '../state.ts';
import { alarmText } from './Alarms.tsx';

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
  // The keyboard as well as the mouse: arrows move while held, + and - zoom, as on a control desk.
  useEffect(() => {
    const moves: Record<string, [number, number, number]> = {
      ArrowLeft: [-0.5, 0, 0],
      ArrowRight: [0.5, 0, 0],
      ArrowUp: [0, 0.5, 0],
      ArrowDown: [0, -0.5, 0],
      '+': [0, 0, 0.5],
      '=': [0, 0, 0.5],
      '-': [0, 0, -0.5],
    };
    const typing = (e: KeyboardEvent) => (e.target as HTMLElement).closest('input, textarea, select') !== null;
    let held: string | null = null;
    const down = (e: KeyboardEvent) => {
      const m = moves[e.key];
      if (!m || typing(e) || e.repeat) return;
      e.preventDefault();
      held = e.key;
      ptz({ action: 'move', x: m[0], y: m[1], zoom: m[2] });
    };
    const up = (e: KeyboardEvent) => {
      if (e.key !== held) return;
      held = null;
      ptz({ action: 'stop' });
    };
    addEventListener('keydown', down);
    addEventListener('keyup', up);
    return () => {
      removeEventListener('keydown', down);
      removeEventListener('keyup', up);
    };
  }, [id]);
  return (
    <div class="toolbar" data-testid="ptz" title={t('ptzKeys')}>
      <button type="button" aria-label={t('ptzLeft')} {...hold(-0.5, 0)}>
        ◀
      </button>
      <button type="button" aria-label={t('ptzUp')} {...hold(0, 0.5)}>
        ▲
      </button>
      <button type="button" aria-label={t('ptzDown')} {...hold(0, -0.5)}>
        ▼
      </button>
      <button type="button" aria-label={t('ptzRight')} {...hold(0.5, 0)}>
        ▶
      </button>
      <button type="button" aria-label={t('ptzZoomIn')} {...hold(0, 0, 0.5)}>
        ＋
      </button>
      <button type="button" aria-label={t('ptzZoomOut')} {...hold(0, 0, -0.5)}>
        －
      </button>
      <span class="muted">{t('ptzKeys')}</span>
      {presets.map((p) => (
        <button type="button" data-preset={p.token} onClick={() => ptz({ action: 'preset', preset: p.token })}>
          {t('preset')} {p.name}
        </button>
      ))}
    </div>
  );
}

const LAYOUTS = [1, 4, 9, 16] as const;

export function Cameras() {
  const s = useSignal(session);
  const open = useSignal(alarms);
  const [cams, setCams] = useState<Camera[]>([]);
  const [tick, setTick] = useState(0);
  const [layout, setLayout] = useState<(typeof LAYOUTS)[number]>(
    (Number(localStorage.getItem('campus-edge.camera-layout')) as 4) || 4,
  );
  const [page, setPage] = useState(0);
  // #/cameras/<id> is one camera; #/cameras/<id>/alarm/<alarmId> shows that alarm's snapshot beside it.
  const [, , selected = null, , alarmId = null] = location.hash.split('/');
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
    const alarm = open.find((a) => a.id === alarmId);
    const snapshot = (alarm?.data.snapshot as { file?: string } | null | undefined)?.file;
    return (
      <>
        <h2>
          <a href="#/cameras">{t('cameras')}</a> / {cam.name} <HealthPill health={cam.health} />
        </h2>
        <div class={alarm ? 'side-by-side' : ''}>
          <LiveVideo cameraId={cam.id} />
          {alarm && (
            <figure data-testid="alarm-view">
              {snapshot ? <img src={`/api/snapshots/${snapshot}`} alt={t('alarmSnapshot')} /> : <p class="muted">—</p>}
              <figcaption>
                {alarmText(alarm)} · {fmtTime(alarm.raisedAt)}
              </figcaption>
            </figure>
          )}
        </div>
        {(s?.role === 'guard' || s?.role === 'admin') && <Ptz id={cam.id} />}
      </>
    );
  }
  const pages = Math.max(1, Math.ceil(cams.length / layout));
  const shown = cams.slice(page * layout, page * layout + layout);
  // Live in the grids of 1 and 4 (a remuxed stream costs the gateway little); snapshots every 5 s in 9 and 16.
  const live = layout <= 4;
  const choose = (n: (typeof LAYOUTS)[number]) => {
    localStorage.setItem('campus-edge.camera-layout', String(n));
    setLayout(n);
    setPage(0);
  };
  return (
    <>
      <h2>{t('cameras')}</h2>
      <div class="toolbar" data-testid="camera-layouts">
        {LAYOUTS.map((n) => (
          <button
            type="button"
            class={n === layout ? 'primary' : ''}
            aria-pressed={n === layout}
            onClick={() => choose(n)}
          >
            {tf('layoutN', { n })}
          </button>
        ))}
        {pages > 1 && (
          <>
            <button type="button" disabled={page === 0} onClick={() => setPage(page - 1)} aria-label={t('previous')}>
              ◀
            </button>
            <span>
              {page + 1} / {pages}
            </span>
            <button type="button" disabled={page >= pages - 1} onClick={() => setPage(page + 1)} aria-label={t('next')}>
              ▶
            </button>
          </>
        )}
      </div>
      <div class={`camera-grid layout-${layout}`} data-testid="camera-grid" data-layout={layout}>
        {shown.map((c) =>
          live && c.health === 'online' ? (
            <div class="card" data-camera={c.id}>
              <h3>
                <a href={`#/cameras/${c.id}`}>{c.name}</a> <HealthPill health={c.health} />
              </h3>
              <LiveVideo cameraId={c.id} />
            </div>
          ) : (
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
          ),
        )}
      </div>
    </>
  );
}
