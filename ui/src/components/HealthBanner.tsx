import { useEffect, useState } from 'preact/hooks';
import { t } from '../i18n.ts';
import { reachable } from '../state.ts';

const EVERY_MS = 5000;

/**
 * A full-width red line while the controller cannot store records or cannot be reached:
 * what the page shows is then not what is happening, and the guard must know it.
 */
export function HealthBanner() {
  const [state, setState] = useState<'ok' | 'store' | 'unreachable'>('ok');
  const [detail, setDetail] = useState('');
  useEffect(() => {
    let stopped = false;
    const check = async () => {
      try {
        const res = await fetch('/api/health', {
          headers: { 'accept-language': document.documentElement.lang },
          cache: 'no-store',
        });
        const body = (await res.json().catch(() => ({}))) as { ok?: boolean; error?: string };
        setState(res.ok && body.ok ? 'ok' : 'store');
        setDetail(body.error ?? '');
        reachable.value = true;
      } catch {
        setState('unreachable');
        reachable.value = false;
      }
    };
    void check();
    const timer = setInterval(() => {
      if (!stopped) void check();
    }, EVERY_MS);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, []);
  if (state === 'ok') return null;
  return (
    <div class="banner critical" role="alert" data-testid="health-banner">
      <strong>{t(state === 'store' ? 'storeFailing' : 'unreachable')}</strong>
      {state === 'store' && detail ? <span>{detail}</span> : null}
    </div>
  );
}
