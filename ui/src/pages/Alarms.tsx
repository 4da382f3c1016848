import { useState } from 'preact/hooks';
import { api, ApiError, type Alarm } from '../api.ts';
import { fmtTime, t, type Key } from '../i18n.ts';
import { useSignal } from '../signal.ts';
import { alarms, refresh, session } from '../state.ts';

const canAck = (role: string | undefined) => role === 'guard' || role === 'admin';

/** The alarm in the console's language; the stored message is the English fallback. */
export function alarmText(a: Alarm): string {
  const d = a.data;
  if (a.type.startsWith('environment.') && typeof d.point === 'string') {
    const sign = a.type.endsWith('.high') ? '>' : '<';
    const hours = Number(d.window_s ?? 0) / 3600;
    const how = d.early_warning ? ` (${t('envEarly')})` : hours ? ` (${hours} ${t('envMeanHours')})` : '';
    return `${d.room} · ${t(d.point as Key)}${how} ${d.value} ${d.unit} ${sign} ${t('limit')} ${d.limit}${d.standard ? ` · ${d.standard}` : ''}`;
  }
  if (a.type === 'device.offline') return `${t('offline')} · ${a.source}`;
  return a.message;
}

export function AlarmTable({ list }: { list: Alarm[] }) {
  const s = useSignal(session);
  const [error, setError] = useState<string | null>(null);
  const ack = async (id: string) => {
    try {
      await api('POST', `/api/alarms/${id}/ack`);
      await refresh();
    } catch (err) {
      setError(err instanceof ApiError && err.status === 403 ? t('forbidden') : (err as Error).message);
    }
  };
  if (!list.length) return <p class="muted">{t('noAlarms')}</p>;
  return (
    <>
      {error && (
        <div class="error" role="alert">
          {error}
        </div>
      )}
      <table data-testid="alarm-table">
        <thead>
          <tr>
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
              </td>
              <td>{a.source}</td>
              <td>{fmtTime(a.raisedAt)}</td>
              <td>
                {a.active ? t('active') : t('cleared')}
                {a.ackedAt ? ` · ${t('acked')} (${a.ackedBy})` : ''}
              </td>
              <td>
                {!a.ackedAt && canAck(s?.role) && (
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

export function Alarms() {
  const list = useSignal(alarms);
  return (
    <>
      <h2>{t('openAlarms')}</h2>
      <AlarmTable list={list} />
    </>
  );
}
