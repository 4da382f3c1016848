import { useEffect, useState } from 'preact/hooks';
import { beeps, enableSound, MAX_MUTE_MIN, muteFor, mutedUntil, soundState, unmute } from '../alarm-attention.ts';
import { siteTimeZone, t } from '../i18n.ts';
import { useSignal } from '../signal.ts';

const hhmm = (ms: number) =>
  new Date(ms).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit', timeZone: siteTimeZone.value });

/** The alarm sound's state in the header, with mute for a while, and the switches the browser asks a click for. */
export function AlarmSound() {
  const state = useSignal(soundState);
  const until = useSignal(mutedUntil);
  const count = useSignal(beeps);
  const [permission, setPermission] = useState(
    typeof Notification === 'undefined' ? 'denied' : Notification.permission,
  );
  useEffect(() => {
    // The first click anywhere lets the browser play sound.
    const once = () => enableSound();
    addEventListener('pointerdown', once, { once: true });
    return () => removeEventListener('pointerdown', once);
  }, []);
  return (
    <span class="alarm-sound" data-testid="alarm-sound" data-state={state} data-beeps={count}>
      {state === 'blocked' && (
        <button type="button" class="attention" onClick={enableSound}>
          {t('soundEnable')}
        </button>
      )}
      {(state === 'major' || state === 'critical') && (
        <>
          <span class={`pill ${state}`}>{t('soundOn')}</span>
          <button type="button" onClick={() => muteFor(5)} data-testid="mute">
            {t('mute5')}
          </button>
          <button type="button" onClick={() => muteFor(MAX_MUTE_MIN)}>
            {t('mute15')}
          </button>
        </>
      )}
      {until > Date.now() && (
        <>
          <span class="pill warning" data-testid="muted-until">
            {t('mutedUntil')} {hhmm(until)}
          </span>
          <button type="button" onClick={unmute}>
            {t('unmute')}
          </button>
        </>
      )}
      {permission === 'default' && (
        <button type="button" onClick={() => void Notification.requestPermission().then(setPermission)}>
          {t('notifyEnable')}
        </button>
      )}
    </span>
  );
}
