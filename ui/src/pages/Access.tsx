import { HealthPill } from '../components/HealthPill.tsx';
import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, ApiProblems } from '../api.ts';
import { fmtTime, t, tf, type Key } from '../i18n.ts';
import { useSignal } from '../signal.ts';
import { recent, session } from '../state.ts';

interface Gate {
  id: string;
  name: string;
  mode: string;
  configuredMode: string;
  fire: boolean;
  health: string;
}
interface Holder {
  id: string;
  name: string;
  kind: string;
  class: string | null;
  card: string;
  enabled: boolean;
  groups: string[];
  validTo: string | null;
}
interface Reader {
  id: string;
  type: string;
  gate: string;
  direction: string;
  health: string;
  detail: string | null;
  secure: boolean | null;
  installKey: boolean | null;
}

/** Rows shown at once; the search narrows the rest. */
const PAGE = 100;

async function csvUpload(file: File): Promise<string> {
  try {
    const r = await api<{ result: { added: number; updated: number; unchanged: number }; encoding: string }>(
      'POST',
      '/api/cardholders/import',
      await file.arrayBuffer(),
      'text/csv',
    );
    const { added, updated, unchanged } = r.result;
    return `${t('imported')}: ${t('added')} ${added}, ${t('updated')} ${updated}, ${t('unchanged')} ${unchanged} (${r.encoding.toUpperCase()})`;
  } catch (err) {
    const lines =
      err instanceof ApiProblems
        ? err.problems.slice(0, 10).map((p) => `${t('line')} ${p.line} ${p.field}: ${p.message}`)
        : [];
    throw new Error([(err as Error).message, ...lines].join('\n'));
  }
}

export function Access() {
  const s = useSignal(session);
  const events = useSignal(recent);
  const [gates, setGates] = useState<Gate[]>([]);
  const [holders, setHolders] = useState<Holder[]>([]);
  const [q, setQ] = useState('');
  const [shown, setShown] = useState(PAGE);
  const [message, setMessage] = useState<string | null>(null);
  const blank = { id: '', name: '', kind: 'student', class: '', card: '', groups: 'students' };
  const [form, setForm] = useState(blank);
  const operate = s?.role === 'guard' || s?.role === 'admin';
  const manage = s?.role === 'admin' || s?.role === 'installer';

  const [readers, setReaders] = useState<Reader[]>([]);
  const loadGates = () =>
    Promise.all([
      api<Gate[]>('GET', '/api/access/gates').then(setGates),
      api<Reader[]>('GET', '/api/access/readers').then(setReaders),
    ]);
  const loadHolders = () => api<Holder[]>('GET', `/api/cardholders?q=${encodeURIComponent(q)}`).then(setHolders);
  useEffect(() => {
    void loadGates();
    const timer = setInterval(loadGates, 3000);
    return () => clearInterval(timer);
  }, []);
  useEffect(() => {
    setShown(PAGE);
    void loadHolders();
  }, [q]);
  const act = async (fn: () => Promise<unknown>) => {
    setMessage(null);
    try {
      await fn();
      await loadGates();
    } catch (e) {
      setMessage(e instanceof ApiError && e.status === 403 ? t('forbidden') : (e as Error).message);
    }
  };
  const save = (h: object) =>
    act(async () => {
      await api('POST', '/api/cardholders', h);
      await loadHolders();
    });
  const byId = new Map(holders.map((h) => [h.id, h]));
  const passages = events.filter((e) => e.topic === 'events/access' && e.type !== 'gate.mode').slice(0, 50);

  return (
    <>
      {message && (
        <div class="error" role="alert" style="white-space:pre-line">
          {message}
        </div>
      )}
      <h2>{t('gates')}</h2>
      <div class="grid" data-testid="gates">
        {gates.map((g) => (
          <div class="card" data-gate={g.id}>
            <h3>
              {g.name} <HealthPill health={g.health} /> {g.fire && <span class="pill critical">{t('fire')}</span>}
            </h3>
            <div>
              {t('mode')}: <strong data-testid="gate-mode">{t(`mode_${g.mode}` as Key)}</strong>
            </div>
            {operate && (
              <div class="toolbar" style="margin-top:8px">
                <button
                  type="button"
                  class="primary"
                  onClick={() => act(() => api('POST', `/api/access/gates/${g.id}/open`, { direction: 'in' }))}
                >
                  {t('openIn')}
                </button>
                <button
                  type="button"
                  class="primary"
                  onClick={() => act(() => api('POST', `/api/access/gates/${g.id}/open`, { direction: 'out' }))}
                >
                  {t('openOut')}
                </button>
                {(['normal', 'locked', 'free'] as const).map((m) => (
                  <button
                    type="button"
                    disabled={g.configuredMode === m}
                    data-mode={m}
                    onClick={() => {
                      // Locking refuses every card, free passage checks none: each is meant, not a slip.
                      const warn = m === 'locked' ? 'confirmLock' : m === 'free' ? 'confirmFree' : null;
                      if (warn && !confirm(tf(warn, { gate: g.name }))) return;
                      void act(() => api('PUT', `/api/access/gates/${g.id}/mode`, { mode: m }));
                    }}
                  >
                    {t(`mode_${m}` as Key)}
                  </button>
                ))}
              </div>
            )}
          </div>
        ))}
      </div>

      <h2>{t('readers')}</h2>
      <table data-testid="readers">
        <thead>
          <tr>
            <th>ID</th>
            <th>{t('type')}</th>
            <th>{t('gate')}</th>
            <th>{t('health')}</th>
            <th>{t('secureChannel')}</th>
          </tr>
        </thead>
        <tbody>
          {readers.map((r) => (
            <tr data-reader={r.id}>
              <td>{r.id}</td>
              <td>{r.type}</td>
              <td>
                {r.gate} · {t(r.direction as Key)}
              </td>
              <td>
                <HealthPill health={r.health} />
                {r.detail && r.health !== 'online' ? <div class="muted">{r.detail}</div> : null}
              </td>
              <td>
                {r.secure === null ? '—' : r.secure ? (r.installKey ? t('installKey') : t('siteKey')) : t('notSecure')}
              </td>
            </tr>
          ))}
        </tbody>
      </table>

      <h2>{t('passages')}</h2>
      <table data-testid="passages">
        <thead>
          <tr>
            <th>{t('time')}</th>
            <th>{t('gate')}</th>
            <th>{t('direction')}</th>
            <th>{t('cardholder')}</th>
            <th>{t('result')}</th>
          </tr>
        </thead>
        <tbody>
          {passages.map((e) => {
            const h = byId.get(e.data.cardholderId);
            return (
              <tr>
                <td>{fmtTime(e.ts)}</td>
                <td>{e.data.gate}</td>
                <td>{e.data.direction ? t(e.data.direction as Key) : ''}</td>
                <td>
                  {h
                    ? `${h.name} ${h.class ?? ''}`
                    : (e.data.cardholderId ?? (e.data.card ? `${t('unknownCard')} ${e.data.card}` : '—'))}
                </td>
                <td>
                  {t(e.type.replace('access.', 'ev_').replace(/[.-]/g, '_') as Key)}
                  {e.data.reason && e.data.reason !== 'granted'
                    ? ` (${t(`why_${e.data.reason.replace(/-/g, '_')}` as Key)})`
                    : ''}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>

      <h2>{t('cardholders')}</h2>
      <div class="toolbar">
        <input placeholder={t('search')} value={q} onInput={(e) => setQ(e.currentTarget.value)} />
        {manage && (
          <a href="/api/cardholders/export" download="cardholders.csv">
            <button type="button">{t('exportCsv')}</button>
          </a>
        )}
        {manage && (
          <label class="primary file-pick">
            {t('importCsv')}{' '}
            <input
              type="file"
              accept=".csv,text/csv"
              data-testid="csv-import"
              onChange={(e) => {
                const f = e.currentTarget.files?.[0];
                if (f)
                  void csvUpload(f).then(
                    (m) => {
                      setMessage(m);
                      void loadHolders();
                    },
                    (err) => setMessage((err as Error).message),
                  );
              }}
            />
          </label>
        )}
      </div>
      {manage && (
        <form
          class="toolbar"
          data-testid="cardholder-form"
          onSubmit={(e) => {
            e.preventDefault();
            void save({
              id: form.id,
              name: form.name,
              kind: form.kind,
              class: form.class || null,
              card: form.card,
              groups: form.groups.split(/[,，\s]+/).filter(Boolean),
            }).then(() => setForm(blank));
          }}
        >
          {(['id', 'name', 'class', 'card', 'groups'] as const).map((f) => (
            <input
              placeholder={f === 'id' ? 'ID' : t(f)}
              value={form[f]}
              required={f !== 'class' && f !== 'groups'}
              onInput={(e) => setForm({ ...form, [f]: e.currentTarget.value })}
            />
          ))}
          <select value={form.kind} onChange={(e) => setForm({ ...form, kind: e.currentTarget.value })}>
            {['student', 'staff', 'visitor'].map((k) => (
              <option value={k}>{t(`kind_${k}` as Key)}</option>
            ))}
          </select>
          <button class="primary" type="submit">
            {t('save')}
          </button>
        </form>
      )}
      <table data-testid="cardholders">
        <thead>
          <tr>
            <th>ID</th>
            <th>{t('name')}</th>
            <th>{t('class')}</th>
            <th>{t('card')}</th>
            <th>{t('groups')}</th>
            <th>{t('state')}</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {holders.slice(0, shown).map((h) => (
            <tr data-holder={h.id}>
              <td>{h.id}</td>
              <td>{h.name}</td>
              <td>{h.class ?? ''}</td>
              <td>{h.card}</td>
              <td>{h.groups.join(', ')}</td>
              <td>{h.enabled ? t('enabled') : t('disabled')}</td>
              <td>
                {manage && (
                  <>
                    <button
                      type="button"
                      onClick={() =>
                        setForm({
                          id: h.id,
                          name: h.name,
                          kind: h.kind,
                          class: h.class ?? '',
                          card: h.card,
                          groups: h.groups.join(','),
                        })
                      }
                    >
                      {t('edit')}
                    </button>
                    <button type="button" onClick={() => void save({ ...h, enabled: !h.enabled })}>
                      {h.enabled ? t('disable') : t('enable')}
                    </button>
                  </>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {holders.length > shown && (
        <button type="button" onClick={() => setShown(shown + PAGE)}>
          {tf('showMore', { n: holders.length - shown })}
        </button>
      )}
    </>
  );
}
