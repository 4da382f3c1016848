import { useEffect, useState } from 'preact/hooks';
import { api, type StoredEvent } from '../api.ts';
import { fmtTime, t } from '../i18n.ts';

export function Events() {
  const [q, setQ] = useState('');
  const [topic, setTopic] = useState('');
  const [rows, setRows] = useState<StoredEvent[]>([]);
  const load = async (before?: number) => {
    const params = new URLSearchParams({ limit: '100' });
    if (q) params.set('q', q);
    if (topic) params.set('topic', topic);
    if (before) params.set('before', String(before));
    const page = await api<StoredEvent[]>('GET', `/api/events?${params}`);
    setRows((r) => (before ? [...r, ...page] : page));
  };
  useEffect(() => {
    void load();
  }, [topic]);
  return (
    <>
      <form
        class="toolbar"
        onSubmit={(e) => {
          e.preventDefault();
          void load();
        }}
      >
        <input
          placeholder={t('search')}
          value={q}
          onInput={(e) => setQ(e.currentTarget.value)}
          data-testid="event-search"
        />
        <select value={topic} onChange={(e) => setTopic(e.currentTarget.value)}>
          <option value="">*</option>
          {['alarms', 'telemetry', 'cmd-result', 'events/device', 'events/audit', 'events/system'].map((tp) => (
            <option value={tp}>{tp}</option>
          ))}
        </select>
        <button class="primary" type="submit">
          {t('search')}
        </button>
      </form>
      <table data-testid="event-table">
        <thead>
          <tr>
            <th>#</th>
            <th>{t('time')}</th>
            <th>{t('type')}</th>
            <th>{t('source')}</th>
            <th>{t('data')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((e) => (
            <tr key={e.id}>
              <td>{e.seq}</td>
              <td>{fmtTime(e.ts)}</td>
              <td>{e.type}</td>
              <td>{e.source}</td>
              <td>
                <pre class="data">{JSON.stringify(e.data)}</pre>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {rows.length >= 100 && (
        <p>
          <button type="button" class="primary" onClick={() => load(rows[rows.length - 1]!.seq)}>
            {t('more')}
          </button>
        </p>
      )}
    </>
  );
}
