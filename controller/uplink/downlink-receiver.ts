import type { Logger } from '../core/logger.ts';
import type { Pipeline } from '../core/pipeline.ts';
import type { ReplayGuard } from '../store/replay-guard.ts';
import type { CommandKeys } from './command-keys.ts';
import { commandName, type DownlinkCommand, parseDownlink, type ParseResult, screenDownlink } from './downlink.ts';
import { RejectionBudget } from './rejection-budget.ts';
import { openSignedCommand, type Recipient } from './signed-command.ts';

const SUMMARY_EVERY_MS = 60_000;
const SHOWN_TOPIC = 160;

export interface DownlinkDeps {
  base: string;
  to: Recipient;
  /** The trusted district keys; null in a lab that takes unsigned commands. */
  keys: CommandKeys | null;
  replays: ReplayGuard;
  maxAgeMs: number;
  pipeline: Pipeline;
  log: Logger;
  execute(command: DownlinkCommand): Promise<unknown>;
  now?: () => number;
}

/**
 * The district's commands as they arrive: screened by topic and size before any parsing, then
 * opened (signed by a trusted key, for this school's gateway, recent, once) and carried out.
 * Refusals are recorded within a budget and summarised past it.
 */
export class DownlinkReceiver {
  private readonly budget = new RejectionBudget();
  private timer?: NodeJS.Timeout;
  private readonly now: () => number;
  stats = { received: 0, rejected: 0 };

  constructor(private readonly d: DownlinkDeps) {
    this.now = d.now ?? Date.now;
  }

  start(): void {
    this.timer = setInterval(() => this.summarise(), SUMMARY_EVERY_MS);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.summarise();
  }

  async receive(topic: string, payload: Buffer): Promise<void> {
    this.stats.received++;
    const screened = screenDownlink(topic, this.d.base, payload.length);
    const opened = screened ? { ok: false as const, id: null, error: screened } : this.open(topic, payload);
    if (!opened.ok) {
      await this.reject(topic, opened);
      return;
    }
    await this.d.execute(opened.command);
  }

  private open(topic: string, payload: Buffer): ParseResult {
    if (!this.d.keys) return parseDownlink(topic, this.d.base, payload);
    const opened = openSignedCommand(payload, {
      keys: this.d.keys.trusted(),
      to: this.d.to,
      name: commandName(topic, this.d.base)!,
      now: this.now(),
      maxAgeMs: this.d.maxAgeMs,
    });
    if (opened.ok && !this.d.replays.firstTime(opened.command.id))
      return { ok: false, id: opened.command.id, error: 'already carried out: a replayed command' };
    return opened;
  }

  private async reject(topic: string, r: { id: string | null; error: string }): Promise<void> {
    this.stats.rejected++;
    if (!this.budget.admit(this.now(), r.error.slice(0, 80))) return;
    const shown = topic.length > SHOWN_TOPIC ? `${topic.slice(0, SHOWN_TOPIC)}…` : topic;
    this.d.log.warn({ topic: shown, err: r.error }, 'downlink command rejected');
    await this.d.pipeline.ingest({
      topic: 'cmd-result',
      type: 'command.rejected',
      source: 'district',
      severity: 'warning',
      data: { requestId: r.id, ok: false, error: r.error, topic: shown },
    });
  }

  private summarise(): void {
    const s = this.budget.takeSummary();
    if (!s) return;
    this.d.log.warn(s, 'downlink commands rejected and not recorded one by one');
    this.d.pipeline.emit({
      topic: 'cmd-result',
      type: 'command.rejected-summary',
      source: 'district',
      severity: 'warning',
      // Shaped like every other answer on cmd-result, so a NOC reads it with the same code.
      data: { requestId: null, ok: false, ...s },
    });
  }
}
