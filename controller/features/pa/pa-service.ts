import type { AudioSource, Playback } from '../../../drivers/contract.ts';
import type { PaZone } from '../../config/types.ts';
import type { Pipeline } from '../../core/pipeline.ts';

export const PRIORITY = { bell: 1, announcement: 2, emergency: 3 } as const;
export type PaPriority = keyof typeof PRIORITY;

export interface PaRequest {
  source: AudioSource;
  zones: string[] | 'all';
  priority: PaPriority;
  label: string;
  by: string;
}

interface Running {
  id: number;
  req: PaRequest;
  playback: Playback;
  startedAt: number;
  zones: PaZone[];
}

/**
 * One broadcast at a time on the PA. A higher priority preempts what is
 * playing (an emergency cuts a bell or an announcement); the same or lower
 * waits its turn, except a bell or live speech, which is dropped: a late bell
 * is a wrong bell, and a voice cannot wait.
 */
export class PaService {
  private running: Running | null = null;
  private readonly queue: (PaRequest & { id: number })[] = [];
  private nextId = 1;

  constructor(
    private readonly zones: PaZone[],
    private readonly pipeline: Pipeline,
    private readonly play: (s: AudioSource, destinations: string[]) => Playback,
    /** Switches zone relays (amplifiers, speaker lines) where a zone has one. */
    private readonly relays: (zones: PaZone[], on: boolean) => Promise<void> = async () => {},
  ) {}

  get playing(): { id: number; label: string; priority: PaPriority } | null {
    return this.running && { id: this.running.id, label: this.running.req.label, priority: this.running.req.priority };
  }

  request(req: PaRequest): { id: number; state: 'playing' | 'queued' | 'dropped' } {
    const id = this.nextId++;
    const cur = this.running;
    if (cur && PRIORITY[cur.req.priority] >= PRIORITY[req.priority]) {
      if (req.priority === 'bell' || req.source.kind === 'live') {
        this.record('pa.dropped', id, req, { reason: `${cur.req.priority} "${cur.req.label}" is playing` });
        return { id, state: 'dropped' };
      }
      this.queue.push({ ...req, id });
      this.queue.sort((a, b) => PRIORITY[b.priority] - PRIORITY[a.priority]);
      this.record('pa.queued', id, req, {});
      return { id, state: 'queued' };
    }
    if (cur) {
      this.running = null;
      cur.playback.stop();
      void this.relays(
        cur.zones.filter((z) => !this.zonesOf(req).includes(z)),
        false,
      ).catch(() => {});
      this.record('pa.preempted', cur.id, cur.req, { by: req.label, byPriority: req.priority });
    }
    this.start(id, req);
    return { id, state: 'playing' };
  }

  stop(): void {
    this.queue.length = 0;
    const cur = this.running;
    this.running = null;
    cur?.playback.stop();
    if (cur) void this.relays(cur.zones, false).catch(() => {});
  }

  private zonesOf(req: PaRequest): PaZone[] {
    return req.zones === 'all' ? this.zones : this.zones.filter((z) => req.zones.includes(z.id));
  }

  private start(id: number, req: PaRequest): void {
    const zones = this.zonesOf(req);
    // Relays first, so the opening words are not lost; a relay fault must not silence an emergency.
    void this.relays(zones, true).catch((err: Error) =>
      this.record('pa.relay-failed', id, req, { detail: err.message }),
    );
    const playback = this.play(
      req.source,
      zones.map((z) => z.address),
    );
    const run = { id, req, playback, startedAt: Date.now(), zones };
    this.running = run;
    this.record('pa.started', id, req, { zones: zones.map((z) => z.id) });
    void playback.done.then((r) => {
      if (this.running !== run) return; // preempted: already recorded
      this.running = null;
      void this.relays(zones, false).catch(() => {});
      this.record(r.ok ? 'pa.finished' : 'pa.failed', id, req, {
        detail: r.detail,
        seconds: (Date.now() - run.startedAt) / 1000,
      });
      const next = this.queue.shift();
      if (next) this.start(next.id, next);
    });
  }

  private record(type: string, id: number, req: PaRequest, extra: Record<string, unknown>): void {
    this.pipeline.emit({
      topic: 'events/pa',
      type,
      source: 'pa',
      severity: req.priority === 'emergency' ? 'major' : 'info',
      data: {
        broadcast: id,
        label: req.label,
        priority: req.priority,
        by: req.by,
        sourceKind: req.source.kind,
        ...extra,
      },
    });
  }
}
