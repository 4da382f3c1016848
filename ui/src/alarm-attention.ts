import type { Alarm } from './api.ts';
import { t } from './i18n.ts';
import { signal } from './signal.ts';

/**
 * What an open alarm asks of the guard: a sound that repeats until someone acknowledges a major
 * or critical alarm (faster and two-toned for critical), the open count in the tab title, and a
 * desktop notification where the browser allows one. The sound can be muted on this console for
 * a while, never for good: the mute ends by itself.
 */
export type SoundState = 'off' | 'major' | 'critical' | 'muted' | 'blocked';

const MUTE_KEY = 'campus-edge.alarm-mute-until';
export const soundState = signal<SoundState>('off');
/** Until when this console is muted (epoch ms), or 0. */
export const mutedUntil = signal<number>(Number(localStorage.getItem(MUTE_KEY) ?? 0));
/** Beeps played since the page loaded: what the indicator shows was heard. */
export const beeps = signal(0);

/** The longest a console may be muted at once. */
export const MAX_MUTE_MIN = 15;

export function muteFor(minutes: number): void {
  const until = Date.now() + Math.min(minutes, MAX_MUTE_MIN) * 60_000;
  localStorage.setItem(MUTE_KEY, String(until));
  mutedUntil.value = until;
  update();
}

export function unmute(): void {
  localStorage.removeItem(MUTE_KEY);
  mutedUntil.value = 0;
  update();
}

// A tone pattern: [frequency Hz, ms] pairs, 0 Hz a pause; repeated every `everyMs`.
const PATTERNS = {
  critical: {
    everyMs: 2000,
    tones: [
      [988, 160],
      [659, 160],
      [988, 160],
      [659, 160],
    ],
  },
  major: {
    everyMs: 5000,
    tones: [
      [880, 220],
      [0, 120],
      [880, 220],
    ],
  },
} as const;

let audio: AudioContext | null = null;
let timer: ReturnType<typeof setInterval> | null = null;
let playing: 'major' | 'critical' | null = null;
let open: Alarm[] = [];
const notified = new Set<string>();
// Alarms already open when the console opened are shown and sounded, not notified one by one.
let primed = false;

function play(level: 'major' | 'critical'): void {
  audio ??= new AudioContext();
  if (audio.state === 'suspended') void audio.resume();
  if (audio.state !== 'running') {
    // The browser wants a click on the page first: say so rather than stay silent.
    soundState.value = 'blocked';
    return;
  }
  let at = audio.currentTime;
  for (const [hz, ms] of PATTERNS[level].tones) {
    if (hz) {
      const osc = audio.createOscillator();
      const gain = audio.createGain();
      osc.frequency.value = hz;
      osc.type = 'square';
      gain.gain.value = 0.15;
      osc.connect(gain).connect(audio.destination);
      osc.start(at);
      osc.stop(at + ms / 1000);
    }
    at += ms / 1000;
  }
  beeps.value++;
  soundState.value = level;
}

/** A click on the page lets the browser play sound: try again at once. */
export function enableSound(): void {
  audio ??= new AudioContext();
  void audio.resume().then(update);
}

function update(): void {
  const waiting = open.filter((a) => !a.ackedAt && (a.severity === 'critical' || a.severity === 'major'));
  const level = waiting.some((a) => a.severity === 'critical') ? 'critical' : waiting.length ? 'major' : null;
  const muted = mutedUntil.value > Date.now();
  if (!muted && mutedUntil.value) unmute();
  const want = level && !muted ? level : null;
  if (want !== playing) {
    if (timer) clearInterval(timer);
    timer = null;
    playing = want;
    if (want) {
      play(want);
      timer = setInterval(() => play(want), PATTERNS[want].everyMs);
    }
  }
  if (!want) soundState.value = level && muted ? 'muted' : 'off';
}

function notify(a: Alarm, text: string): void {
  if (typeof Notification === 'undefined' || Notification.permission !== 'granted') return;
  const n = new Notification(`${t(a.severity as 'critical')} · ${t('title')}`, {
    body: text,
    tag: a.id,
    requireInteraction: a.severity === 'critical',
  });
  n.onclick = () => {
    window.focus();
    location.hash = '#/alarms';
  };
}

/** Called with every new alarm list: sound, title and notifications follow it. */
export function attend(list: Alarm[], text: (a: Alarm) => string): void {
  open = list;
  const unacked = list.filter((a) => !a.ackedAt).length;
  document.title = unacked ? `(${unacked}) ${t('title')}` : t('title');
  if (!primed) {
    for (const a of list) notified.add(a.id);
    primed = true;
  }
  for (const a of list) {
    if (notified.has(a.id) || a.ackedAt || (a.severity !== 'critical' && a.severity !== 'major')) continue;
    notified.add(a.id);
    notify(a, text(a));
  }
  update();
}

// The mute ends by itself: look again every few seconds.
setInterval(update, 5000);
