import { useState } from 'preact/hooks';
import { api } from '../api.ts';
import { type Key, t, tf } from '../i18n.ts';
import { serverText } from '../server-text.ts';

interface Clip {
  camera: string;
  file: string;
  durationS: number;
  beforeS: number;
}

interface Call {
  ok: boolean;
  attempt: number;
  state?: 'answered' | 'ended';
  durationS?: number;
  answerMs?: number;
  reason?: string;
  detail?: string;
}

/** What was done about an alarm since it was raised: its calls to the alarm centre and its clips. */
export function AlarmEvidence({ id, data, mayEnd }: { id: string; data: Record<string, unknown>; mayEnd: boolean }) {
  return (
    <>
      <AlarmTimeline steps={data.timeline} />
      <AlarmCalls alarmId={id} calls={data.calls} mayEnd={mayEnd} />
      <AlarmClips clips={data.clips} />
    </>
  );
}

interface Step {
  rule: string;
  ruleName: string;
  step: number;
  do: string;
  ok: boolean;
  detail: string;
  code?: string;
  params?: Record<string, string | number>;
  ms: number;
}

/** The linkage steps run for the alarm, in order, each with its result. */
function AlarmTimeline({ steps }: { steps: unknown }) {
  if (!Array.isArray(steps) || !steps.length) return null;
  return (
    <ul class="timeline" data-testid="alarm-timeline">
      {(steps as Step[]).map((s) => (
        <li key={`${s.rule}-${s.step}`} class={s.ok ? '' : 'bad'} data-step={s.do} data-ok={String(s.ok)}>
          {s.ok ? '✓' : '✗'} {t('alarmTimeline')} · {s.ruleName} · {t(`do_${s.do.replace('.', '_')}` as Key)}:{' '}
          {serverText(s) ?? s.detail} ({s.ms} ms)
        </li>
      ))}
    </ul>
  );
}

/** The alarm's calls to the alarm centre: each attempt as it last stood, the one up with a way to end it. */
function AlarmCalls({ alarmId, calls, mayEnd }: { alarmId: string; calls: unknown; mayEnd: boolean }) {
  const [error, setError] = useState<string | null>(null);
  if (!Array.isArray(calls) || !calls.length) return null;
  const last = [...new Map((calls as Call[]).map((c) => [c.attempt, c])).values()];
  return (
    <ul class="calls" data-testid="alarm-calls">
      {last.map((c) => (
        <li key={c.attempt} class={c.ok ? '' : 'bad'} data-state={c.state ?? (c.ok ? 'ended' : 'failed')}>
          📞{' '}
          {c.state === 'answered' ? (
            <>
              {tf('alarmCallUp', { ms: c.answerMs ?? '?' })}{' '}
              {mayEnd && (
                <button
                  type="button"
                  data-testid="call-hangup"
                  onClick={() =>
                    api('POST', `/api/talkback/${alarmId}/hangup`).then(
                      () => setError(null),
                      (e: Error) => setError(e.message),
                    )
                  }
                >
                  {t('hangUp')}
                </button>
              )}
            </>
          ) : c.ok ? (
            tf('alarmCallAnswered', { ms: c.answerMs ?? '?', seconds: c.durationS ?? 0 })
          ) : (
            tf('alarmCallFailed', { attempt: c.attempt, why: c.detail ?? '' })
          )}
          {error && <span class="error"> {error}</span>}
        </li>
      ))}
    </ul>
  );
}

/** An alarm's pre-alarm clips: one per linked camera, each played on demand so a list of alarms loads no video. */
function AlarmClips({ clips }: { clips: unknown }) {
  const [open, setOpen] = useState<string | null>(null);
  if (!Array.isArray(clips) || !clips.length) return null;
  return (
    <ul class="clips" data-testid="alarm-clips">
      {(clips as Clip[]).map((c) => (
        <li key={c.file}>
          <button
            type="button"
            class="link"
            aria-expanded={open === c.file}
            onClick={() => setOpen(open === c.file ? null : c.file)}
          >
            ▶ {tf('alarmClip', { camera: c.camera, before: c.beforeS, duration: Math.round(c.durationS) })}
          </button>
          {open === c.file && (
            <video
              controls
              autoplay
              muted
              preload="metadata"
              src={`/api/clips/${c.file}`}
              data-testid="alarm-clip-video"
              aria-label={t('alarmClipPlayer')}
              style="display:block;width:100%;max-width:480px;margin-top:4px"
            />
          )}
        </li>
      ))}
    </ul>
  );
}
