import { useState } from 'preact/hooks';
import { api, type Alarm } from '../api.ts';
import { fmtTime, t } from '../i18n.ts';
import { alarmText, canAck } from '../pages/Alarms.tsx';
import { useSignal } from '../signal.ts';
import { alarms, session } from '../state.ts';

/** An alarm a linkage rule pops up: its popup step ran, and nobody has acknowledged it yet. */
const popsUp = (a: Alarm) =>
  !a.ackedAt &&
  Array.isArray(a.data.timeline) &&
  (a.data.timeline as { do: string; ok: boolean }[]).some((s) => s.do === 'popup' && s.ok);

/**
 * The pop-up (报警弹窗) over whatever page the guard is on: the newest alarm a rule pops up, with
 * its snapshot, a way to it and, for those who may, acknowledge. Closing it here keeps it in the
 * banner and the alarm list; it comes back on no other console.
 */
export function AlarmPopup() {
  const all = useSignal(alarms);
  const s = useSignal(session);
  const [closed, setClosed] = useState<Set<string>>(new Set());
  const [error, setError] = useState<string | null>(null);
  const a = all.filter((x) => popsUp(x) && !closed.has(x.id)).sort((x, y) => y.raisedAt - x.raisedAt)[0];
  if (!a) return null;
  const close = () => setClosed(new Set([...closed, a.id]));
  const snapshot = (a.data.snapshot as { file?: string } | null)?.file;
  const ack = () =>
    api('POST', `/api/alarms/${a.id}/ack`, {}).then(
      () => setError(null),
      (err: Error) => setError(err.message),
    );
  return (
    <div class="popup-backdrop">
      <div
        class={`popup ${a.severity}`}
        role="alertdialog"
        aria-modal="true"
        aria-labelledby="popup-title"
        data-testid="alarm-popup"
        data-alarm={a.key}
      >
        <h2 id="popup-title">⚠ {alarmText(a)}</h2>
        <p>
          {t(a.severity as 'critical')} · {fmtTime(a.raisedAt)} · {a.source}
        </p>
        {snapshot && <img src={`/api/snapshots/${snapshot}`} alt={t('alarmSnapshot')} />}
        {error && <p class="error">{error}</p>}
        <div class="actions">
          {canAck(s?.role) && (
            <button type="button" class="primary" onClick={() => void ack()} data-testid="popup-ack">
              {t('ack')}
            </button>
          )}
          <a
            href={typeof a.data.camera === 'string' ? `#/cameras/${a.data.camera}/alarm/${a.id}` : '#/alarms'}
            onClick={close}
          >
            {t('popupOpen')}
          </a>
          <button type="button" onClick={close} data-testid="popup-close">
            {t('popupClose')}
          </button>
        </div>
      </div>
    </div>
  );
}
