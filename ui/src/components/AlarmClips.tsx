import { useState } from 'preact/hooks';
import { t, tf } from '../i18n.ts';

interface Clip {
  camera: string;
  file: string;
  durationS: number;
  beforeS: number;
}

/** An alarm's pre-alarm clips: one per linked camera, each played on demand so a list of alarms loads no video. */
export function AlarmClips({ clips }: { clips: unknown }) {
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
