import { useEffect, useState } from 'preact/hooks';
import { api, type Alarm } from '../api.ts';
import { t, tf, type Key } from '../i18n.ts';
import { useSignal } from '../signal.ts';
import { alarms, liveConnected, session } from '../state.ts';

interface Marker {
  device: string;
  x: number;
  y: number;
}
interface Plan {
  id: number;
  building: string;
  floor: string;
  width: number;
  height: number;
  updatedAt: number;
  markers: Marker[];
}
interface Device {
  id: string;
  name: string;
  kind: string;
  health: string | null;
  /** An intrusion zone's state, and whether it is bypassed. */
  zone?: string;
  bypassed?: boolean;
}

const kindName = (kind: string) => t(`dk_${kind.replace('-', '_')}` as Key);
const LETTER: Record<string, string> = {
  gate: 'G',
  reader: 'R',
  camera: 'C',
  'pa-zone': 'P',
  sensor: 'S',
  board: 'B',
  zone: 'Z',
};

/** Where a device's marker leads: the page that works with it. */
const pageOf = (d: Device) =>
  d.kind === 'camera'
    ? `#/cameras/${encodeURIComponent(d.id)}`
    : d.kind === 'sensor'
      ? '#/environment'
      : d.kind === 'gate' || d.kind === 'reader'
        ? '#/access'
        : d.kind === 'install'
          ? '#/install'
          : '#/emergency';

/** The alarms about a device: raised by it, or naming it as their gate, camera or board. */
const alarmsOf = (id: string, list: Alarm[]) =>
  list.filter((a) => a.source === id || a.data.gate === id || a.data.camera === id || a.data.board === id);

/** Upload a floor's picture: a building and floor name, and a PNG, JPEG or WebP file. */
function UploadPlan({ done }: { done: (id: number) => void }) {
  const [building, setBuilding] = useState('');
  const [floor, setFloor] = useState('');
  const [file, setFile] = useState<File | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  return (
    <form
      class="toolbar"
      data-testid="plan-upload"
      onSubmit={(e) => {
        e.preventDefault();
        if (!file) return;
        setMessage(null);
        void file
          .arrayBuffer()
          .then((bytes) =>
            api<{ result: { id: number } }>(
              'POST',
              `/api/plans?building=${encodeURIComponent(building)}&floor=${encodeURIComponent(floor)}`,
              bytes,
              file.type || 'application/octet-stream',
            ),
          )
          .then(
            (r) => done(r.result.id),
            (err) => setMessage((err as Error).message),
          );
      }}
    >
      <input
        required
        value={building}
        placeholder={t('building')}
        aria-label={t('building')}
        onInput={(e) => setBuilding(e.currentTarget.value)}
      />
      <input
        required
        value={floor}
        placeholder={t('floor')}
        aria-label={t('floor')}
        onInput={(e) => setFloor(e.currentTarget.value)}
      />
      <label class="file-pick">
        {file ? file.name : t('choosePicture')}
        <input
          type="file"
          accept="image/png,image/jpeg,image/webp"
          data-testid="plan-file"
          required
          onChange={(e) => setFile(e.currentTarget.files?.[0] ?? null)}
        />
      </label>
      <button class="primary" type="submit">
        {t('uploadPlan')}
      </button>
      {message && (
        <div class="error" role="alert">
          {message}
        </div>
      )}
    </form>
  );
}

/**
 * Building plans with the school's devices on them, live: each marker has its device's state
 * and turns red and pulses while an alarm about it is open; a click opens the device's page.
 * Admins and installers upload the plans and place the devices.
 */
export function Maps() {
  const s = useSignal(session);
  const open = useSignal(alarms);
  const connected = useSignal(liveConnected);
  const [plans, setPlans] = useState<Plan[]>([]);
  const [devices, setDevices] = useState<Device[]>([]);
  const [current, setCurrent] = useState<number | null>(null);
  const [editing, setEditing] = useState<Marker[] | null>(null);
  const [placing, setPlacing] = useState('');
  const [message, setMessage] = useState<string | null>(null);
  const edit = s?.role === 'admin' || s?.role === 'installer';
  const load = () =>
    api<{ plans: Plan[]; devices: Device[] }>('GET', '/api/plans').then(
      (r) => {
        setPlans(r.plans);
        setDevices(r.devices);
        setCurrent((c) => (c !== null && r.plans.some((p) => p.id === c) ? c : (r.plans[0]?.id ?? null)));
      },
      (e) => setMessage((e as Error).message),
    );
  useEffect(() => {
    void load();
    // Health changes come every few seconds at most; alarms come live.
    const timer = setInterval(load, 5000);
    return () => clearInterval(timer);
  }, []);
  const plan = plans.find((p) => p.id === current) ?? null;
  const markers = editing ?? plan?.markers ?? [];
  const byId = new Map(devices.map((d) => [d.id, d]));
  const placedElsewhere = new Set(
    plans.filter((p) => p.id !== plan?.id).flatMap((p) => p.markers.map((m) => m.device)),
  );
  const put = (x: number, y: number) => {
    if (!editing || !placing) return;
    const at = { device: placing, x: Math.min(1, Math.max(0, x)), y: Math.min(1, Math.max(0, y)) };
    setEditing([...editing.filter((m) => m.device !== placing), at]);
  };
  const save = async () => {
    if (!plan || !editing) return;
    setMessage(null);
    try {
      await api('PUT', `/api/plans/${plan.id}/markers`, { markers: editing });
      setEditing(null);
      await load();
    } catch (e) {
      setMessage((e as Error).message);
    }
  };
  const remove = async () => {
    if (!plan || !confirm(tf('confirmRemovePlan', { plan: `${plan.building} ${plan.floor}` }))) return;
    await api('DELETE', `/api/plans/${plan.id}`).catch((e) => setMessage((e as Error).message));
    setEditing(null);
    await load();
  };

  return (
    <>
      {message && (
        <div class="error" role="alert">
          {message}
        </div>
      )}
      {plans.length > 0 && (
        <div class="toolbar" role="tablist" data-testid="plan-tabs">
          {plans.map((p) => (
            <button
              type="button"
              role="tab"
              aria-selected={p.id === current}
              class={p.id === current ? 'primary' : ''}
              onClick={() => {
                setCurrent(p.id);
                setEditing(null);
              }}
            >
              {p.building} · {p.floor}
            </button>
          ))}
        </div>
      )}
      {!plans.length && <p class="muted">{edit ? t('noPlansYetEdit') : t('noPlansYet')}</p>}
      {plan && (
        <div class="plan" data-testid="plan" data-plan={plan.id} style={`aspect-ratio:${plan.width}/${plan.height}`}>
          <img
            src={`/api/plans/${plan.id}/image?v=${plan.updatedAt}`}
            alt={`${plan.building} ${plan.floor}`}
            tabIndex={editing && placing ? 0 : -1}
            aria-label={editing && placing ? t('placeByKeys') : undefined}
            onClick={(e) => {
              const box = e.currentTarget.getBoundingClientRect();
              put((e.clientX - box.left) / box.width, (e.clientY - box.top) / box.height);
            }}
            onKeyDown={(e) => {
              // From the keyboard: Enter puts the device in the middle, arrows move it (Shift: further).
              const step = e.shiftKey ? 0.05 : 0.01;
              const m = editing?.find((x) => x.device === placing) ?? { x: 0.5, y: 0.5 };
              const move: Record<string, [number, number]> = {
                Enter: [m.x, m.y],
                ArrowLeft: [m.x - step, m.y],
                ArrowRight: [m.x + step, m.y],
                ArrowUp: [m.x, m.y - step],
                ArrowDown: [m.x, m.y + step],
              };
              const to = move[e.key];
              if (!to) return;
              e.preventDefault();
              put(...to);
            }}
          />
          {markers.map((m) => {
            const d = byId.get(m.device);
            if (!d) return null;
            const mine = alarmsOf(d.id, open);
            const zone = d.zone && `zone-${d.zone}${d.bypassed ? ' bypassed' : ''}`;
            const state = mine.length ? 'alarm' : connected ? (zone ?? d.health ?? 'none') : 'unknown';
            const label = `${d.name} · ${kindName(d.kind)} · ${
              mine.length
                ? tf('alarmsOpen', { n: mine.length })
                : !connected
                  ? t('unknown')
                  : d.zone
                    ? `${t(`zone_${d.zone}` as Key)}${d.bypassed ? ` · ${t('zoneBypassed')}` : ''}`
                    : d.health
                      ? t(d.health as Key)
                      : ''
            }`;
            return (
              <a
                class={`marker ${state}${mine.some((a) => a.severity === 'critical') ? ' critical' : ''}`}
                href={mine.length ? '#/alarms' : pageOf(d)}
                data-marker={d.id}
                data-state={state}
                title={label}
                aria-label={label}
                style={`left:${m.x * 100}%;top:${m.y * 100}%`}
              >
                {LETTER[d.kind] ?? '?'}
              </a>
            );
          })}
        </div>
      )}
      {plan && edit && (
        <div class="toolbar" data-testid="plan-edit">
          {editing ? (
            <>
              <select
                value={placing}
                aria-label={t('deviceToPlace')}
                data-testid="place-device"
                onChange={(e) => setPlacing(e.currentTarget.value)}
              >
                <option value="">{t('deviceToPlace')}</option>
                {devices
                  .filter((d) => !placedElsewhere.has(d.id))
                  .map((d) => (
                    <option value={d.id}>
                      {editing.some((m) => m.device === d.id) ? '✓ ' : ''}
                      {d.name} · {kindName(d.kind)}
                    </option>
                  ))}
              </select>
              <span class="muted">{t('clickToPlace')}</span>
              <button
                type="button"
                disabled={!editing.some((m) => m.device === placing)}
                onClick={() => setEditing(editing.filter((m) => m.device !== placing))}
              >
                {t('takeOff')}
              </button>
              <button type="button" class="primary" data-testid="save-markers" onClick={() => void save()}>
                {t('save')}
              </button>
              <button type="button" onClick={() => setEditing(null)}>
                {t('cancel')}
              </button>
            </>
          ) : (
            <>
              <button type="button" data-testid="edit-markers" onClick={() => setEditing(plan.markers)}>
                {t('placeDevices')}
              </button>
              <button type="button" onClick={() => void remove()}>
                {t('removePlan')}
              </button>
            </>
          )}
        </div>
      )}
      {edit && (
        <>
          <h2>{t('uploadPlan')}</h2>
          <UploadPlan
            done={(id) => {
              setCurrent(id);
              void load();
            }}
          />
        </>
      )}
    </>
  );
}
