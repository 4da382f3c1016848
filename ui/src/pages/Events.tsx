import { useEffect, useState } from 'preact/hooks';
import { api, type StoredEvent } from '../api.ts';
import { EVENT_CATEGORIES, sentence } from '../event-sentences.ts';
import { fmtTime, t } from '../i18n.ts';

const PAGE = 100;
/** A datetime-local value in the browser's zone as ms, or undefined when empty. */
const ms = (v: string) => (v ? new Date(v).getTime() : undefined);

/** The event log as sentences, by category and time, a page at a time. */
export function Events() {
  const [q, setQ] = useState('');
  const [topic, setTopic] = useState('');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [rows, setRows] = useState<StoredEvent[]>([]);
  const [more, setMore] = useState(false);
  const load = async (before?: number) => {
    const params = new URLSearchParams({ limit: String(PAGE) });
    if (q) params.set('q', q);
    if (topic) params.set('topic', topic);
    const f = ms(from);
    const u = ms(to);
    if (f !== undefined) params.set('from', String(f));
    if (u !== undefined) params.set('to', String(u));
    if (before) params.set('before', String(before));
    const page = await api<StoredEvent[]>('GET', `/api/events?${params}`);
    setRows((r) => (before ? [...r, ...page] : page));
    setMore(page.length === PAGE);
  };
  useEffect(() => {
    void load();
  }, [topic, from, to]);
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
          aria-label={t('search')}
        />
        <select
          value={topic}
          onChange={(e) => setTopic(e.currentTarget.value)}
          data-testid="event-category"
          aria-label={t('type')}
        >
          <option value="">{t('allCategories')}</option>
          {EVENT_CATEGORIES.map((c) => (
            <option value={c.topic}>{t(c.key)}</option>
          ))}
        </select>
        <label>
          {t('fromTime')}
          <input type="datetime-local" value={from} onInput={(e) => setFrom(e.currentTarget.value)} />
        </label>
        <label>
          {t('toTime')}
          <input type="datetime-local" value={to} onInput={(e) => setTo(e.currentTarget.value)} />
        </label>
        <button class="primary" type="submit">
          {t('search')}
        </button>
      </form>
      <table data-testid="event-table">
        <thead>
          <tr>
            <th>{t('time')}</th>
            <th>{t('message')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((e) => (
            <tr key={e.id} data-type={e.type}>
              <td class="nowrap">{fmtTime(e.ts)}</td>
              <td>{sentence(e)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {more && (
        <p>
          <button type="button" class="primary" onClick={() => load(rows[rows.length - 1]!.seq)} data-testid="more">
            {t('more')}
          </button>
        </p>
      )}
    </>
  );
}
