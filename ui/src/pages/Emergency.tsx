import { useEffect, useState } from 'preact/hooks';
import { downloadCsv } from '../csv-download.ts';
import { api, ApiError } from '../api.ts';
import type { RecordDataOf } from '../record-types.ts';
import { fmtTime, hasText, t, tf } from '../i18n.ts';
import { serverText } from '../server-text.ts';
import { useSignal } from '../signal.ts';
import { scenario, session } from '../state.ts';

type Report = RecordDataOf['scenario.report'];

interface Overview {
  playing: { label: string; priority: string } | null;
  zones: { id: string; name: string }[];
  gates: { id: string; name: string }[];
  schedules: { id: string; name: string; bells: { at: string; days: number[]; label?: string }[] }[];
  activeSchedule: string | null;
  boards: { id: string; name: string; connected: number }[];
  buttons: { id: string; name: string }[];
  ntp: string;
  lastScenario: Report | null;
}

const kindName = (k: string) => t(k === 'lockdown' ? 'lockdown' : k === 'evacuation' ? 'evacuation' : 'allClear');

const stepName = (step: string) => {
  const key = `step_${step}`;
  return hasText(key) ? t(key) : step;
};
/** What a step said, in the console's language when it carries a message key. */
const stepSaid = (e: Report['timeline'][number]) => serverText(e) ?? e.detail ?? '';

/** One scenario's steps: what each did, how long it took, or that it had nothing to act on. */
function Timeline({ r }: { r: Report }) {
  return (
    <table data-testid="timeline" class="timeline">
      <thead>
        <tr>
          <th>
            {kindName(r.kind)}
            {r.drill ? ` (${t('drill')})` : ''} · {r.by} · {fmtTime(r.startedAt)}
          </th>
          <th>{t('target')}</th>
          <th>ms</th>
          <th>{t('result')}</th>
        </tr>
      </thead>
      <tbody>
        {r.timeline.map((e) => (
          <tr data-step={e.step} data-nothing={e.nothing ?? ''}>
            <td>{stepName(e.step)}</td>
            <td>{e.target === 'all' ? t('allZones') : e.target}</td>
            <td>{e.confirmedAt === null ? '—' : e.confirmedAt - e.commandedAt}</td>
            <td>
              {e.nothing ? (
                <span class="muted">
                  {t('nothingToDo')}: {stepSaid(e)}
                </span>
              ) : e.ok ? (
                `✓ ${stepSaid(e)}`
              ) : (
                <span class="error">{stepSaid(e)}</span>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Every past scenario's timeline as one CSV, Excel-ready (a BOM, so Chinese text opens right). */
function exportHistory(history: Report[]): void {
  const rows = [['scenario', 'kind', 'drill', 'by', 'started', 'step', 'target', 'ms', 'result']];
  for (const r of history)
    for (const e of r.timeline)
      rows.push([
        r.id,
        r.kind,
        String(r.drill),
        r.by,
        new Date(r.startedAt).toISOString(),
        e.step,
        e.target,
        e.confirmedAt === null ? '' : String(e.confirmedAt - e.commandedAt),
        e.nothing ? `nothing: ${e.detail}` : e.ok ? 'ok' : `failed: ${e.detail ?? ''}`,
      ]);
  downloadCsv('scenarios.csv', rows);
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
  const inForce = useSignal(scenario);
  const [o, setO] = useState<Overview | null>(null);
  // Neither is chosen for the guard: a real scenario must be meant.
  const [mode, setMode] = useState<'drill' | 'real' | null>(null);
  const [zones, setZones] = useState<string[] | null>(null);
  const [history, setHistory] = useState<Report[]>([]);
  const [text, setText] = useState('');
  const [notice, setNotice] = useState('');
  const [message, setMessage] = useState<string | null>(null);
  const load = () =>
    Promise.all([
      api<Overview>('GET', '/api/emergency').then(setO),
      api<Report[]>('GET', '/api/scenarios?limit=20').then(setHistory),
    ]);
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
  const drill = mode === 'drill';
  const chosenZones = zones ?? o.zones.map((z) => z.id);
  const counts = { gates: o.gates.length, zones: o.zones.length, boards: o.boards.length };
  // The all-clear ends what is in force, drill or real as it was: it needs no choice of its own.
  const start = (kind: 'lockdown' | 'evacuation' | 'all-clear') =>
    run(
      'scenario.start',
      { kind, drill: kind === 'all-clear' && inForce ? inForce.drill : drill },
      kind !== 'all-clear' && !drill
        ? tf(kind === 'lockdown' ? 'confirmLockdown' : 'confirmEvacuation', counts)
        : undefined,
    );
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
          <fieldset class="choice" data-testid="scenario-mode">
            <legend>{t('chooseMode')}</legend>
            <label>
              <input type="radio" name="scenario-mode" checked={mode === 'drill'} onChange={() => setMode('drill')} />{' '}
              {t('drill')}
            </label>
            <label>
              <input type="radio" name="scenario-mode" checked={mode === 'real'} onChange={() => setMode('real')} />{' '}
              {t('real')}
            </label>
          </fieldset>
          <button
            type="button"
            class="primary"
            style="background:#b00020"
            data-scenario="lockdown"
            disabled={!mode}
            onClick={() => start('lockdown')}
          >
            {t('lockdown')}
          </button>
          <button
            type="button"
            class="primary"
            style="background:#0b7a3e"
            data-scenario="evacuation"
            disabled={!mode}
            onClick={() => start('evacuation')}
          >
            {t('evacuation')}
          </button>
          <button
            type="button"
            class="primary"
            data-scenario="all-clear"
            disabled={!mode && !inForce}
            onClick={() => start('all-clear')}
          >
            {t('allClear')}
          </button>
        </div>
      )}
      {o.lastScenario && <Timeline r={o.lastScenario} />}
      {history.length > 0 && (
        <details data-testid="scenario-history">
          <summary>
            {t('history')} ({history.length})
          </summary>
          <div class="toolbar no-print">
            <button type="button" onClick={() => print()}>
              {t('print')}
            </button>
            <button type="button" onClick={() => exportHistory(history)} data-testid="export-scenarios">
              {t('exportCsv')}
            </button>
          </div>
          {history.map((r) => (
            <Timeline r={r} />
          ))}
        </details>
      )}
      <h2>{t('pa')}</h2>
      <div class="muted">{o.playing ? `▶ ${o.playing.label} (${o.playing.priority})` : t('idle')}</div>
      {operate && (
        <form
          class="toolbar"
          onSubmit={(e) => {
            e.preventDefault();
            if (!chosenZones.length) return setMessage(t('chooseZones'));
            const target = chosenZones.length === o.zones.length ? 'all' : chosenZones;
            void run('pa.play', { kind: 'tts', text, zones: target, priority: 'announcement' }).then(() => setText(''));
          }}
        >
          <input
            value={text}
            onInput={(e) => setText(e.currentTarget.value)}
            placeholder={t('announcement')}
            required
            class="wide-input"
          />
          <fieldset class="choice" data-testid="pa-zones">
            <legend>{t('zonesLabel')}</legend>
            <label>
              <input
                type="checkbox"
                checked={chosenZones.length === o.zones.length}
                onChange={(e) => setZones(e.currentTarget.checked ? null : [])}
              />{' '}
              {t('allZones')}
            </label>
            {o.zones.map((z) => (
              <label>
                <input
                  type="checkbox"
                  value={z.id}
                  checked={chosenZones.includes(z.id)}
                  onChange={(e) =>
                    setZones(e.currentTarget.checked ? [...chosenZones, z.id] : chosenZones.filter((id) => id !== z.id))
                  }
                />{' '}
                {z.name}
              </label>
            ))}
          </fieldset>
          <button class="primary" type="submit">
            {t('speak')}
          </button>
          <button
            type="button"
            onClick={() =>
              chosenZones.length
                ? run('pa.play', {
                    kind: 'chime',
                    zones: chosenZones.length === o.zones.length ? 'all' : chosenZones,
                    priority: 'announcement',
                  })
                : setMessage(t('chooseZones'))
            }
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
            class="wide-input"
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
