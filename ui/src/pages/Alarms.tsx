import { AlarmEvidence } from '../components/AlarmEvidence.tsx';
import { useEffect, useState } from 'preact/hooks';
import { downloadCsv } from '../csv-download.ts';
import { api, ApiError, type Alarm } from '../api.ts';
import { fmtTime, hasText, t, tf, type Key } from '../i18n.ts';
import { useSignal } from '../signal.ts';
import { alarms, refresh, session } from '../state.ts';

export const canAck = (role: string | undefined) => role === 'guard' || role === 'admin';

/** The alarm in the console's language; the stored message is the English fallback. */
export function alarmText(a: Alarm): string {
  const d = a.data;
  if (a.type.startsWith('environment.') && typeof d.point === 'string') {
    const sign = a.type.endsWith('.high') ? '>' : '<';
    const hours = Number(d.window_s ?? 0) / 3600;
    const how = d.early_warning ? ` (${t('envEarly')})` : hours ? ` (${hours} ${t('envMeanHours')})` : '';
    return `${d.room} · ${t(d.point as Key)}${how} ${d.value} ${d.unit} ${sign} ${t('limit')} ${d.limit}${d.standard ? ` · ${d.standard}` : ''}`;
  }
  // Every other kind has its own sentence in the console's language, from the alarm's data; a kind
  // this console does not know shows the server's text (both languages).
  const key = `al_${a.type.replace(/[.-]/g, '_')}`;
  if (!hasText(key)) return a.message;
  return tf(key, {
    ...Object.fromEntries(Object.entries(d).map(([k, v]) => [k, String(v ?? '')])),
    name: String(d.name ?? a.source),
    seconds: Math.round(Number(d.driftMs ?? 0) / 1000),
  });
}

/**
 * Alarms with their acknowledge buttons. On the alarm page (`handling`) a guard also writes a
 * handling note, kept with the alarm, and acknowledges several at once.
 */
export function AlarmTable({ list, handling = false }: { list: Alarm[]; handling?: boolean }) {
  const s = useSignal(session);
  const [error, setError] = useState<string | null>(null);
  const [note, setNote] = useState('');
  const [picked, setPicked] = useState<Set<string>>(new Set());
  const mayAck = canAck(s?.role);
  const waiting = list.filter((a) => !a.ackedAt);
  const done = async (fn: () => Promise<unknown>) => {
    try {
      await fn();
      setNote('');
      setPicked(new Set());
      await refresh();
    } catch (err) {
      setError(err instanceof ApiError && err.status === 403 ? t('forbidden') : (err as Error).message);
    }
  };
  const ack = (id: string) => done(() => api('POST', `/api/alarms/${id}/ack`, note ? { note } : {}));
  const ackPicked = () =>
    done(async () => {
      const r = await api<{ result: { acked: string[]; notWaiting: string[] } }>('POST', '/api/alarms/ack', {
        ids: [...picked],
        ...(note ? { note } : {}),
      });
      if (r.result.notWaiting.length) setError(tf('ackNotWaiting', { n: r.result.notWaiting.length }));
    });
  if (!list.length) return <p class="muted">{t('noAlarms')}</p>;
  return (
    <>
      {error && (
        <div class="error" role="alert">
          {error}
        </div>
      )}
      {handling && mayAck && waiting.length > 0 && (
        <div class="toolbar" data-testid="ack-tools">
          <input
            value={note}
            maxLength={500}
            onInput={(e) => setNote(e.currentTarget.value)}
            placeholder={t('ackNote')}
            aria-label={t('ackNote')}
            class="wide-input"
            data-testid="ack-note"
          />
          <button type="button" disabled={!picked.size} onClick={ackPicked} data-testid="ack-picked">
            {tf('ackPicked', { n: picked.size })}
          </button>
          <button type="button" onClick={() => setPicked(new Set(waiting.map((a) => a.id)))}>
            {t('pickAll')}
          </button>
        </div>
      )}
      <table data-testid="alarm-table">
        <thead>
          <tr>
            {handling && mayAck && <th />}
            <th>{t('severity')}</th>
            <th>{t('message')}</th>
            <th>{t('source')}</th>
            <th>{t('raised')}</th>
            <th>{t('state')}</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {list.map((a) => (
            <tr key={a.id} data-alarm={a.key}>
              {handling && mayAck && (
                <td>
                  {!a.ackedAt && (
                    <label>
                      <input
                        type="checkbox"
                        checked={picked.has(a.id)}
                        aria-label={alarmText(a)}
                        onChange={(e) => {
                          const next = new Set(picked);
                          if (e.currentTarget.checked) next.add(a.id);
                          else next.delete(a.id);
                          setPicked(next);
                        }}
                      />
                    </label>
                  )}
                </td>
              )}
              <td>
                <span class={`pill ${a.severity}`}>{t(a.severity as Key)}</span>
              </td>
              <td>
                {alarmText(a)}
                {(a.data.snapshot as { file?: string } | null)?.file && (
                  <a
                    href={`/api/snapshots/${(a.data.snapshot as { file: string }).file}`}
                    target="_blank"
                    rel="noopener"
                  >
                    <img
                      src={`/api/snapshots/${(a.data.snapshot as { file: string }).file}`}
                      alt="snapshot"
                      data-testid="alarm-snapshot"
                      style="display:block;max-width:160px;margin-top:4px"
                    />
                  </a>
                )}
                <AlarmEvidence id={a.id} data={a.data} mayEnd={mayAck} />
              </td>
              <td>{a.source}</td>
              <td>{fmtTime(a.raisedAt)}</td>
              <td>
                {a.active ? t('active') : t('cleared')}
                {a.ackedAt ? ` · ${t('acked')} (${a.ackedBy})` : ''}
                {a.data.ackNote ? <div class="muted">📝 {String(a.data.ackNote)}</div> : null}
                {typeof a.data.camera === 'string' && (
                  <div>
                    <a href={`#/cameras/${a.data.camera}/alarm/${a.id}`} data-testid="alarm-camera">
                      {t('viewCameras')}
                    </a>
                  </div>
                )}
              </td>
              <td>
                {!a.ackedAt && mayAck && (
                  <button type="button" class="primary" onClick={() => ack(a.id)}>
                    {t('ack')}
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

const KINDS = ['camera', 'environment', 'device', 'emergency', 'gate', 'access', 'osdp'] as const;
/** The alarms found, as an Excel-ready CSV (a BOM, so Chinese opens right). */
function exportAlarms(list: Alarm[]): void {
  const rows = [['raised', 'severity', 'type', 'source', 'room', 'message', 'cleared', 'acknowledged', 'by', 'note']];
  for (const a of list)
    rows.push([
      new Date(a.raisedAt).toISOString(),
      a.severity,
      a.type,
      a.source,
      String(a.data.room ?? ''),
      alarmText(a),
      a.clearedAt ? new Date(a.clearedAt).toISOString() : '',
      a.ackedAt ? new Date(a.ackedAt).toISOString() : '',
      a.ackedBy ?? '',
      String(a.data.ackNote ?? ''),
    ]);
  downloadCsv('alarms.csv', rows);
}

const msOf = (v: string) => (v ? String(new Date(v).getTime()) : '');

/** Alarms in every state, by time, severity, kind, device and place. */
function AlarmHistory() {
  const [f, setF] = useState({ from: '', to: '', severity: '', kind: '', source: '', room: '' });
  const [list, setList] = useState<Alarm[]>([]);
  const load = async () => {
    const p = new URLSearchParams({ state: 'all', limit: '500' });
    for (const [k, v] of Object.entries({ ...f, from: msOf(f.from), to: msOf(f.to) })) if (v) p.set(k, v);
    setList(await api<Alarm[]>('GET', `/api/alarms?${p}`));
  };
  useEffect(() => {
    void load();
  }, []);
  const set = (k: keyof typeof f) => (e: { currentTarget: { value: string } }) =>
    setF({ ...f, [k]: e.currentTarget.value });
  return (
    <>
      <form
        class="toolbar"
        data-testid="alarm-filters"
        onSubmit={(e) => {
          e.preventDefault();
          void load();
        }}
      >
        <label>
          {t('fromTime')}
          <input type="datetime-local" value={f.from} onInput={set('from')} />
        </label>
        <label>
          {t('toTime')}
          <input type="datetime-local" value={f.to} onInput={set('to')} />
        </label>
        <select value={f.severity} onChange={set('severity')} aria-label={t('severity')} data-testid="filter-severity">
          <option value="">
            {t('severity')}: {t('allCategories')}
          </option>
          {(['critical', 'major', 'warning', 'info'] as const).map((v) => (
            <option value={v}>{t(v)}</option>
          ))}
        </select>
        <select value={f.kind} onChange={set('kind')} aria-label={t('type')} data-testid="filter-kind">
          <option value="">
            {t('type')}: {t('allCategories')}
          </option>
          {KINDS.map((k) => (
            <option value={k}>{t(`kind_${k}` as Key)}</option>
          ))}
        </select>
        <input value={f.source} onInput={set('source')} placeholder={t('device')} aria-label={t('device')} />
        <input value={f.room} onInput={set('room')} placeholder={t('room')} aria-label={t('room')} />
        <button class="primary" type="submit">
          {t('search')}
        </button>
        <button type="button" onClick={() => exportAlarms(list)} data-testid="export-alarms">
          {t('exportCsv')}
        </button>
      </form>
      <AlarmTable list={list} />
    </>
  );
}

export function Alarms() {
  const list = useSignal(alarms);
  return (
    <>
      <h2>{t('openAlarms')}</h2>
      <AlarmTable list={list} handling />
      <h2>{t('alarmHistory')}</h2>
      <AlarmHistory />
    </>
  );
}
