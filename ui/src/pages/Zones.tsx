import { useEffect, useState } from 'preact/hooks';
import { api, ApiError } from '../api.ts';
import { type Key, t, tf } from '../i18n.ts';
import { useSignal } from '../signal.ts';
import { session } from '../state.ts';

interface Zone {
  id: string;
  name: string;
  place: string | null;
  state: string;
  bypassed: boolean;
  bypassReason: string | null;
  open: boolean;
  tampered: boolean;
  scheduled: boolean;
}

const STATE_CLASS: Record<string, string> = {
  armed: 'ok',
  disarmed: '',
  exit: 'warning',
  entry: 'warning',
  alarm: 'critical',
};

/** Intrusion zones (防区): their state, and for guards and admins arming, disarming and bypass with a reason. */
export function Zones() {
  const s = useSignal(session);
  const [zones, setZones] = useState<Zone[]>([]);
  const [reasonFor, setReasonFor] = useState<string | null>(null);
  const [reason, setReason] = useState('');
  const [message, setMessage] = useState<string | null>(null);
  const may = s?.role === 'guard' || s?.role === 'admin';
  const load = () => api<Zone[]>('GET', '/api/zones').then(setZones, (e) => setMessage((e as Error).message));
  useEffect(() => {
    void load();
    const timer = setInterval(load, 2000);
    return () => clearInterval(timer);
  }, []);
  const act = async (path: string, body: object) => {
    setMessage(null);
    try {
      await api('POST', path, body);
      setReasonFor(null);
      setReason('');
    } catch (e) {
      setMessage(e instanceof ApiError && e.status === 403 ? t('forbidden') : (e as Error).message);
    }
    await load();
  };
  if (!zones.length) return <p class="muted">{t('noZones')}</p>;
  return (
    <section>
      <h2>{t('zones')}</h2>
      {may && (
        <div class="toolbar">
          <button
            type="button"
            class="primary"
            onClick={() => void act('/api/zones/arm', { zones: 'all' })}
            data-testid="arm-all"
          >
            {t('armAll')}
          </button>
          <button
            type="button"
            onClick={() => void act('/api/zones/disarm', { zones: 'all' })}
            data-testid="disarm-all"
          >
            {t('disarmAll')}
          </button>
        </div>
      )}
      {message && (
        <p class="error" role="alert">
          {message}
        </p>
      )}
      <table>
        <thead>
          <tr>
            <th>{t('zone')}</th>
            <th>{t('place')}</th>
            <th>{t('state')}</th>
            {may && <th />}
          </tr>
        </thead>
        <tbody>
          {zones.map((z) => (
            <tr key={z.id} data-zone={z.id} data-state={z.state}>
              <td>{z.name}</td>
              <td>{z.place ?? '—'}</td>
              <td>
                <span class={`pill ${STATE_CLASS[z.state] ?? ''}`}>{t(`zone_${z.state}` as Key)}</span>
                {z.bypassed && <div class="muted">{tf('zoneBypassedWhy', { why: z.bypassReason ?? '' })}</div>}
                {z.tampered && <div class="error">{t('zoneTampered')}</div>}
                {z.scheduled && <div class="muted">{t('zoneScheduled')}</div>}
              </td>
              {may && (
                <td>
                  {z.state === 'disarmed' ? (
                    <button type="button" onClick={() => void act('/api/zones/arm', { zones: [z.id] })}>
                      {t('arm')}
                    </button>
                  ) : (
                    <button type="button" onClick={() => void act('/api/zones/disarm', { zones: [z.id] })}>
                      {t('disarm')}
                    </button>
                  )}{' '}
                  {z.bypassed ? (
                    <button type="button" onClick={() => void act(`/api/zones/${z.id}/bypass`, { on: false })}>
                      {t('unbypass')}
                    </button>
                  ) : reasonFor === z.id ? (
                    <form
                      class="inline"
                      onSubmit={(e) => {
                        e.preventDefault();
                        void act(`/api/zones/${z.id}/bypass`, { on: true, reason });
                      }}
                    >
                      <input
                        value={reason}
                        required
                        minLength={2}
                        aria-label={t('bypassReason')}
                        placeholder={t('bypassReason')}
                        onInput={(e) => setReason(e.currentTarget.value)}
                        data-testid="bypass-reason"
                      />
                      <button type="submit" class="primary">
                        {t('bypass')}
                      </button>
                    </form>
                  ) : (
                    <button type="button" onClick={() => setReasonFor(z.id)}>
                      {t('bypass')}…
                    </button>
                  )}
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
