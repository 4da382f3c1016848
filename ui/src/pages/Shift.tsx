import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, type StoredEvent } from '../api.ts';
import { EVENT_CATEGORIES, sentence } from '../event-sentences.ts';
import { fmtTime, t, tf } from '../i18n.ts';
import { useSignal } from '../signal.ts';
import { alarms } from '../state.ts';
import { AlarmTable } from './Alarms.tsx';

interface Note {
  id: number;
  at: number;
  author: string;
  text: string;
}

/** The handover: open alarms, the last shift's notes, what happened since the last note, and a note of one's own. */
export function Shift() {
  const open = useSignal(alarms);
  const [notes, setNotes] = useState<Note[]>([]);
  const [since, setSince] = useState<StoredEvent[]>([]);
  const [text, setText] = useState('');
  const [message, setMessage] = useState<string | null>(null);
  const load = async () => {
    const s = await api<{ notes: Note[]; since: number | null }>('GET', '/api/shift');
    setNotes(s.notes);
    const from = s.since ?? Date.now() - 12 * 3_600_000;
    setSince(await api<StoredEvent[]>('GET', `/api/events?from=${from}&limit=200`));
  };
  useEffect(() => {
    void load();
  }, []);
  const write = async () => {
    setMessage(null);
    try {
      await api('POST', '/api/shift/notes', { text });
      setText('');
      await load();
    } catch (e) {
      setMessage(e instanceof ApiError && e.status === 403 ? t('forbidden') : (e as Error).message);
    }
  };
  const counts = EVENT_CATEGORIES.map((c) => ({ ...c, n: since.filter((e) => e.topic === c.topic).length })).filter(
    (c) => c.n > 0,
  );
  return (
    <>
      {message && (
        <div class="error" role="alert">
          {message}
        </div>
      )}
      <h2>{t('openAlarms')}</h2>
      <AlarmTable list={open} handling />
      <h2>{t('lastNotes')}</h2>
      {notes.length ? (
        <ul class="notes" data-testid="shift-notes">
          {notes.map((n) => (
            <li>
              <strong>{n.author}</strong> · {fmtTime(n.at)}
              <p>{n.text}</p>
            </li>
          ))}
        </ul>
      ) : (
        <p class="muted">{t('noNotes')}</p>
      )}
      <h2>{notes[0] ? tf('sinceNote', { time: fmtTime(notes[0].at) }) : t('sinceHours')}</h2>
      <p data-testid="shift-summary">
        {counts.length ? counts.map((c) => `${t(c.key)} ${c.n}`).join(' · ') : t('nothingHappened')}
      </p>
      <details>
        <summary>{t('whatHappened')}</summary>
        <ul>
          {since.map((e) => (
            <li>
              {fmtTime(e.ts)} {sentence(e)}
            </li>
          ))}
        </ul>
      </details>
      <h2>{t('handover')}</h2>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void write();
        }}
      >
        <textarea
          value={text}
          maxLength={2000}
          rows={4}
          required
          onInput={(e) => setText(e.currentTarget.value)}
          placeholder={t('handoverHint')}
          aria-label={t('handover')}
          data-testid="shift-text"
          style="width:100%"
        />
        <button class="primary" type="submit" data-testid="shift-write">
          {t('writeNote')}
        </button>
      </form>
    </>
  );
}
