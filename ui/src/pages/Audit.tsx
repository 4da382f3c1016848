import { useEffect, useState } from 'preact/hooks';
import { api, ApiError } from '../api.ts';
import { fmtTime, t } from '../i18n.ts';

interface AuditRow {
  id: number;
  ts: number;
  actor: string;
  actor_kind: string;
  command: string;
  args: string;
  ok: number | null;
  result: string | null;
}

/** The audit log of commands: the auditor's alone (separation of duties; the API enforces it too). */
export function Audit() {
  const [audit, setAudit] = useState<AuditRow[]>([]);
  const [message, setMessage] = useState<string | null>(null);
  useEffect(() => {
    api<AuditRow[]>('GET', '/api/audit?limit=100').then(setAudit, (e) =>
      setMessage(e instanceof ApiError && e.status === 403 ? t('forbidden') : (e as Error).message),
    );
  }, []);
  return (
    <>
      <h2>{t('audit')}</h2>
      {message && (
        <div class="error" role="alert">
          {message}
        </div>
      )}
      <table data-testid="audit-table">
        <thead>
          <tr>
            <th>{t('time')}</th>
            <th>{t('actor')}</th>
            <th>{t('command')}</th>
            <th>{t('data')}</th>
            <th>{t('result')}</th>
          </tr>
        </thead>
        <tbody>
          {audit.map((a) => (
            <tr>
              <td>{fmtTime(a.ts)}</td>
              <td>
                {a.actor_kind}:{a.actor}
              </td>
              <td>{a.command}</td>
              <td>
                <pre class="data">{a.args}</pre>
              </td>
              <td>{a.ok === null ? '…' : a.ok ? 'ok' : <span class="error">{a.result}</span>}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
