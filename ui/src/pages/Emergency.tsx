import { useEffect, useState } from 'preact/hooks';
import { api, ApiError } from '../api.ts';
import { fmtTime, t } from '../i18n.ts';
import { useSignal } from '../signal.ts';
import { session } from '../state.ts';

interface Overview {
  playing: { label: string; priority: string } | null;
  zones: { id: string; name: string }[];
  schedules: { id: string; name: string; bells: { at: string; days: number[]; label?: string }[] }[];
  activeSchedule: string | null;
  boards: { id: string; name: string; connected: number }[];
  buttons: { id: string; name: string }[];
  ntp: string;
  lastScenario: {
    kind: string;
    drill: boolean;
    by: string;
    startedAt: number;
    timeline: {
      step: string;
      target: string;
      commandedAt: number;
      confirmedAt: number | null;
      ok: boolean;
      detail?: string;
    }[];
  } | null;
}

type Row = { at: string; days: string; label: string };

/** The active schedule's bells, editable by admins; the controller validates on save (clashes, times, days). */
function BellEditor({
  schedule,
  editable,
  save,
}: {
  schedule: Overview['schedules'][number];
  editable: boolean;
  save: (s: object) => Promise<void>;
}) {
  const [rows, setRows] = useState<Row[]>(
    schedule.bells.map((b) => ({ at: b.at, days: b.days.join(','), label: b.label ?? '' })),
  );
  const set = (i: number, patch: Partial<Row>) => setRows(rows.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  const submit = () =>
    save({
      id: schedule.id,
      name: schedule.name,
      bells: rows.map((r) => ({
        at: r.at,
        label: r.label || undefined,
        days: r.days
          .split(/[,，\s]+/)
          .filter(Boolean)
          .map(Number),
      })),
    });
  return (
    <table data-testid="bell-editor">
      <thead>
        <tr>
          <th>{t('time')}</th>
          <th>{t('days')}</th>
          <th>{t('label')}</th>
          <th />
        </tr>
      </thead>
      <tbody>
        {rows.map((r, i) => (
          <tr>
            <td>
              <input
                value={r.at}
                disabled={!editable}
                onInput={(e) => set(i, { at: e.currentTarget.value })}
                size={5}
              />
            </td>
            <td>
              <input
                value={r.days}
                disabled={!editable}
                onInput={(e) => set(i, { days: e.currentTarget.value })}
                size={12}
              />
            </td>
            <td>
              <input value={r.label} disabled={!editable} onInput={(e) => set(i, { label: e.currentTarget.value })} />
            </td>
            <td>
              {editable && (
                <button type="button" onClick={() => setRows(rows.filter((_, j) => j !== i))}>
                  ✕
                </button>
              )}
            </td>
          </tr>
        ))}
      </tbody>
      {editable && (
        <tfoot>
          <tr>
            <td colSpan={4}>
              <button type="button" onClick={() => setRows([...rows, { at: '08:00', days: '1,2,3,4,5', label: '' }])}>
                {t('addBell')}
              </button>{' '}
              <button type="button" class="primary" data-testid="save-bells" onClick={submit}>
                {t('save')}
              </button>
            </td>
          </tr>
        </tfoot>
      )}
    </table>
  );
}

/** Emergency scenarios, PA announcements, bell schedules and board notices: every button is an audited command. */
export function Emergency() {
  const s = useSignal(session);
  const [o, setO] = useState<Overview | null>(null);
  const [drill, setDrill] = useState(true);
  const [text, setText] = useState('');
  const [notice, setNotice] = useState('');
  const [message, setMessage] = useState<string | null>(null);
  const load = () => api<Overview>('GET', '/api/emergency').then(setO);
  useEffect(() => {
    void load();
    const timer = setInterval(load, 3000);
    return () => clearInterval(timer);
  }, []);
  const run = async (name: string, args: object, confirmText?: string) => {
    if (confirmText && !confirm(confirmText)) return;
    setMessage(null);
    try {
      await api('POST', `/api/commands/${name}`, args);
      setMessage(t('done'));
      await load();
    } catch (e) {
      setMessage(e instanceof ApiError && e.status === 403 ? t('forbidden') : (e as Error).message);
    }
  };
  if (!o) return null;
  const operate = s?.role === 'guard' || s?.role === 'admin';
  return (
    <>
      {message && (
        <div class="error" role="alert">
          {message}
        </div>
      )}
      <h2>{t('scenarios')}</h2>
      {operate && (
        <div class="toolbar" data-testid="scenarios">
          <label>
            <input type="checkbox" checked={drill} onChange={(e) => setDrill(e.currentTarget.checked)} /> {t('drill')}
          </label>
          <button
            type="button"
            class="primary"
            style="background:#b00020"
            data-scenario="lockdown"
            onClick={() => run('scenario.start', { kind: 'lockdown', drill }, drill ? undefined : t('confirmReal'))}
          >
            {t('lockdown')}
          </button>
          <button
            type="button"
            class="primary"
            style="background:#0b7a3e"
            data-scenario="evacuation"
            onClick={() => run('scenario.start', { kind: 'evacuation', drill }, drill ? undefined : t('confirmReal'))}
          >
            {t('evacuation')}
          </button>
          <button
            type="button"
            class="primary"
            data-scenario="all-clear"
            onClick={() => run('scenario.start', { kind: 'all-clear', drill })}
          >
            {t('allClear')}
          </button>
        </div>
      )}
      {o.lastScenario && (
        <table data-testid="timeline">
          <thead>
            <tr>
              <th>
                {o.lastScenario.kind}
                {o.lastScenario.drill ? ` (${t('drill')})` : ''} · {o.lastScenario.by} ·{' '}
                {fmtTime(o.lastScenario.startedAt)}
              </th>
              <th>{t('target')}</th>
              <th>ms</th>
              <th>{t('result')}</th>
            </tr>
          </thead>
          <tbody>
            {o.lastScenario.timeline.map((e) => (
              <tr>
                <td>{e.step}</td>
                <td>{e.target}</td>
                <td>{e.confirmedAt === null ? '—' : e.confirmedAt - e.commandedAt}</td>
                <td>{e.ok ? 'ok' : <span class="error">{e.detail}</span>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h2>{t('pa')}</h2>
      <div class="muted">{o.playing ? `▶ ${o.playing.label} (${o.playing.priority})` : t('idle')}</div>
      {operate && (
        <form
          class="toolbar"
          onSubmit={(e) => {
            e.preventDefault();
            void run('pa.play', { kind: 'tts', text, zones: 'all', priority: 'announcement' }).then(() => setText(''));
          }}
        >
          <input
            value={text}
            onInput={(e) => setText(e.currentTarget.value)}
            placeholder={t('announcement')}
            required
            style="min-width:320px"
          />
          <button class="primary" type="submit">
            {t('speak')}
          </button>
          <button
            type="button"
            onClick={() => run('pa.play', { kind: 'chime', zones: 'all', priority: 'announcement' })}
          >
            {t('chime')}
          </button>
          <button type="button" onClick={() => run('pa.stop', {})}>
            {t('stop')}
          </button>
        </form>
      )}
      <h2>
        {t('bells')}{' '}
        <span
          class={`pill ${o.ntp === 'synchronized' ? 'online' : o.ntp === 'unsynchronized' ? 'warning' : 'unknown'}`}
          data-testid="ntp"
        >
          NTP {o.ntp}
        </span>
      </h2>
      <div class="toolbar">
        {o.schedules.map((sc) => (
          <button
            type="button"
            class={sc.id === o.activeSchedule ? 'primary' : ''}
            data-schedule={sc.id}
            disabled={s?.role !== 'admin'}
            onClick={() => run('bells.activate', { scheduleId: sc.id })}
          >
            {sc.name}
          </button>
        ))}
      </div>
      {o.activeSchedule && (
        <BellEditor
          key={o.activeSchedule}
          schedule={o.schedules.find((sc) => sc.id === o.activeSchedule)!}
          editable={s?.role === 'admin'}
          save={(sc) => run('bells.save', sc)}
        />
      )}
      <h2>{t('boardsTitle')}</h2>
      <div class="muted">{o.boards.map((b) => `${b.name} ${b.connected ? '●' : '○'}`).join('  ')}</div>
      {operate && (
        <form
          class="toolbar"
          onSubmit={(e) => {
            e.preventDefault();
            void run('board.notice', { text: notice, boards: 'all' }).then(() => setNotice(''));
          }}
        >
          <input
            value={notice}
            onInput={(e) => setNotice(e.currentTarget.value)}
            placeholder={t('notice')}
            required
            style="min-width:320px"
          />
          <button class="primary" type="submit">
            {t('post')}
          </button>
        </form>
      )}
      {o.buttons.length > 0 && <h2>{t('buttons')}</h2>}
      {o.buttons.map((b) => (
        <div class="toolbar">
          {b.name}
          {operate && (
            <button type="button" onClick={() => run('emergency.reset', { buttonId: b.id })}>
              {t('reset')}
            </button>
          )}
          {operate && (
            <button type="button" onClick={() => run('emergency.test-mode', { buttonId: b.id, minutes: 30 })}>
              {t('testMode')}
            </button>
          )}
        </div>
      ))}
    </>
  );
}
