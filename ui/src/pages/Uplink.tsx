import { useEffect, useState } from 'preact/hooks';
import { api } from '../api.ts';
import { fmtTime, t, type Key } from '../i18n.ts';

interface UplinkView {
  url: string;
  connected: boolean;
  since: number | null;
  lastError: string | null;
  reconnects: number;
  published: number;
  acked: number;
  inflight: number;
  window: number;
  committed: number;
  backlog: { lane: number; count: number; oldestTs: number | null }[];
  drivers: { kind: string; bus?: string; requests?: number; timeouts?: number; malformed?: number; open?: boolean }[];
  platforms: Record<
    string,
    {
      address: string;
      state: string;
      expiresAt: number | null;
      misses: number;
      videoCalls: number;
      broadcasting: boolean;
    }
  >;
}

export function Uplink() {
  const [u, setU] = useState<UplinkView | null>(null);
  useEffect(() => {
    const load = () => void api<UplinkView>('GET', '/api/uplink').then(setU);
    load();
    const timer = setInterval(load, 2000);
    return () => clearInterval(timer);
  }, []);
  if (!u) return null;
  const total = u.backlog.reduce((n, l) => n + l.count, 0);
  return (
    <>
      <div class="grid">
        <div class="card">
          <h3>{t('uplink')}</h3>
          <span class={`pill ${u.connected ? 'online' : 'offline'}`} data-testid="uplink-state">
            {u.connected ? t('connected') : t('disconnected')}
          </span>
          <div class="muted">
            {u.url} · {fmtTime(u.since)}
          </div>
          {u.lastError && (
            <div class="error">
              {t('lastError')}: {u.lastError}
            </div>
          )}
        </div>
        <div class="card">
          <h3>{t('backlog')}</h3>
          <div class="kpi" data-testid="backlog-total">
            {total}
          </div>
        </div>
        <div class="card">
          <h3>{t('committed')}</h3>
          <div class="kpi">{u.committed}</div>
        </div>
        <div class="card">
          <h3>{t('delivered')}</h3>
          <div class="kpi">{u.acked}</div>
          <div class="muted">
            {t('published')} {u.published} · {t('inflight')} {u.inflight}/{u.window} · {t('reconnects')} {u.reconnects}
          </div>
        </div>
      </div>
      <h2>{t('backlog')}</h2>
      <table>
        <thead>
          <tr>
            <th />
            <th>{t('backlog')}</th>
            <th>{t('oldest')}</th>
          </tr>
        </thead>
        <tbody>
          {u.backlog.map((l) => (
            <tr>
              <td>{t(`lane${l.lane}` as Key)}</td>
              <td>{l.count}</td>
              <td>{fmtTime(l.oldestTs)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {Object.keys(u.platforms).length > 0 && (
        <>
          <h2>{t('platforms')}</h2>
          <table data-testid="platforms">
            <thead>
              <tr>
                <th>{t('platform')}</th>
                <th>{t('state')}</th>
                <th>{t('videoCalls')}</th>
              </tr>
            </thead>
            <tbody>
              {Object.entries(u.platforms).map(([id, p]) => (
                <tr>
                  <td>
                    {id}
                    <div class="muted">{p.address}</div>
                  </td>
                  <td>
                    <span class={`pill ${p.state === 'registered' ? 'online' : 'offline'}`}>
                      {t(`gb_${p.state}` as Key)}
                    </span>
                    <div class="muted">
                      {t('registeredUntil')} {fmtTime(p.expiresAt)} · {t('keepaliveMisses')} {p.misses}
                    </div>
                  </td>
                  <td>
                    {p.videoCalls}
                    {p.broadcasting && <div class="muted">{t('voiceBroadcast')}</div>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
      <h2>{t('bus')}</h2>
      <table>
        <thead>
          <tr>
            <th>{t('bus')}</th>
            <th>{t('state')}</th>
            <th>{t('requests')}</th>
            <th>{t('timeouts')}</th>
            <th>{t('malformed')}</th>
          </tr>
        </thead>
        <tbody>
          {u.drivers.map((d) => (
            <tr>
              <td>{d.bus ?? d.kind}</td>
              <td>{d.open ? t('online') : t('offline')}</td>
              <td>{d.requests}</td>
              <td>{d.timeouts}</td>
              <td>{d.malformed}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
