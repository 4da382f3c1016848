import { performance } from 'node:perf_hooks';
import { CodedError } from '../../core/message-catalog.ts';
import type { AccessConfig, GateConfig } from '../../config/types.ts';
import type { CardRead, Direction, GateInputs } from '../../../drivers/contract.ts';
import type { DeviceDirectory } from '../../core/device-directory.ts';
import type { Allowlist } from './allowlist.ts';
import type { AlarmManager } from '../../core/alarms.ts';
import type { Pipeline } from '../../core/pipeline.ts';
import { decide, localTime } from './decide.ts';
import { GateLogic, type GateOutcome } from './gate-logic.ts';
import type { GateMode } from './types.ts';

export interface AccessDeps {
  config: AccessConfig;
  allowlist: Allowlist;
  pipeline: Pipeline;
  alarms: AlarmManager;
  /** The gates' relays and the readers' LEDs and buzzers, by device id. */
  devices: Pick<DeviceDirectory, 'get'>;
  timeZone: string;
  now?: () => number;
}

const TICK_MS = 200;

/**
 * Card reads to gate commands, and gate inputs to events and alarms. The
 * decision and the gate command happen in memory at once; the access record
 * follows in the next group commit. Fire linkage frees every gate locally,
 * whatever the state of the district link.
 */
export class AccessService {
  private readonly logic = new Map<string, GateLogic>();
  private readonly configured = new Map<string, GateMode>();
  private readonly denials = new Map<string, number>();
  private readonly fireAt = new Set<string>();
  private timer?: NodeJS.Timeout;
  private readonly now: () => number;
  /** Software time from decoded card to gate command, in ms, for the bench. */
  readonly latencies: number[] = [];

  constructor(private readonly d: AccessDeps) {
    this.now = d.now ?? Date.now;
    for (const g of d.config.gates) {
      this.logic.set(g.id, new GateLogic(g.grant_window_s * 1000, g.held_open_s * 1000, g.mode));
      this.configured.set(g.id, g.mode);
    }
    d.pipeline.addTransactionHook(this.projectPassages(d));
  }

  start(): void {
    this.timer = setInterval(() => {
      for (const [id, l] of this.logic) this.handle(id, l.tick(this.now()));
    }, TICK_MS);
  }

  stop(): void {
    clearInterval(this.timer);
  }

  get fireActive(): boolean {
    return this.fireAt.size > 0;
  }

  gateStates() {
    return this.d.config.gates.map((g) => ({
      id: g.id,
      name: g.name ?? g.id,
      mode: this.logic.get(g.id)!.mode,
      configuredMode: this.configured.get(g.id)!,
      fire: this.fireAt.has(g.id),
    }));
  }

  onCard = (read: CardRead): void => {
    const reader = this.d.config.readers.find((r) => r.id === read.readerId);
    if (!reader) return;
    const gate = this.logic.get(reader.gate);
    const ts = this.now();
    const at = localTime(ts, this.d.timeZone);
    this.d.allowlist.setToday(at.date);
    const decision = gate
      ? decide(
          {
            card: read.card,
            gateId: reader.gate,
            direction: reader.direction,
            mode: gate.mode,
            at,
            antiPassback: this.d.config.anti_passback,
          },
          this.d.allowlist,
        )
      : { granted: false as const, cardholder: null, reason: 'no-rule' as const };
    if (decision.granted && gate) {
      if (gate.mode !== 'free')
        this.d.devices
          .get(reader.gate, 'gate')
          ?.pulse(reader.direction)
          .catch(() => {
            // The driver logs it and the board's health shows it; the card's record says granted.
          });
      gate.grant(reader.direction, decision.cardholder.id, ts);
    }
    this.latencies.push(performance.now() - read.at);
    if (this.latencies.length > 10_000) this.latencies.splice(0, 5_000);
    const window = this.d.config.gates.find((g) => g.id === reader.gate)?.grant_window_s ?? 0;
    this.d.devices.get(reader.id, 'readerFeedback')?.feedback(decision.granted, window * 1000);
    this.countDenials(reader.id, decision.granted);
    this.d.pipeline.emit({
      topic: 'events/access',
      type: decision.granted ? 'access.granted' : 'access.denied',
      source: reader.id,
      severity: decision.granted ? 'info' : 'warning',
      ts,
      data: {
        gate: reader.gate,
        direction: reader.direction,
        reason: decision.reason,
        cardholderId: decision.cardholder?.id ?? null,
        // The card number only when it matches nobody: known cards are named by their holder's id.
        card: decision.cardholder ? null : read.card,
        bits: read.bits,
        format: read.format,
      },
    });
  };

  onGateInputs = (gateId: string, inputs: GateInputs): void => {
    const l = this.logic.get(gateId);
    if (l) this.handle(gateId, l.inputs(inputs, this.now()));
  };

  /** Remote open from the console or the district: a grant with no cardholder. */
  /**
   * Remote open from the console or the district: a grant with no cardholder, made once the relay
   * board took the command. A board that did not answer is an error to whoever asked, never an ok.
   */
  async open(gateId: string, direction: Direction): Promise<void> {
    const l = this.requireGate(gateId);
    const gate = this.d.devices.get(gateId, 'gate');
    if (!gate) throw new CodedError('gate.no-board', { gate: gateId });
    try {
      await gate.pulse(direction);
    } catch (err) {
      throw new CodedError('gate.not-opened', { gate: gateId, detail: (err as Error).message });
    }
    l.grant(direction, null, this.now());
  }

  async setMode(gateId: string, mode: GateMode): Promise<void> {
    this.requireGate(gateId);
    this.configured.set(gateId, mode);
    if (!this.fireActive) await this.applyMode(gateId, mode);
  }

  private gateName(gateId: string): string {
    return this.d.config.gates.find((g) => g.id === gateId)?.name ?? gateId;
  }

  private requireGate(gateId: string): GateLogic {
    const l = this.logic.get(gateId);
    if (!l) throw new CodedError('gate.unknown', { gate: gateId });
    return l;
  }

  private async applyMode(gateId: string, mode: GateMode): Promise<void> {
    const l = this.logic.get(gateId)!;
    const wasFree = l.mode === 'free';
    l.mode = mode;
    if ((mode === 'free') !== wasFree) await this.d.devices.get(gateId, 'gate')?.hold(mode === 'free');
    this.d.pipeline.emit({
      topic: 'events/access',
      type: 'gate.mode',
      source: gateId,
      data: { mode, fire: this.fireActive },
    });
  }

  private countDenials(readerId: string, granted: boolean): void {
    if (granted) {
      this.denials.delete(readerId);
      return;
    }
    const n = (this.denials.get(readerId) ?? 0) + 1;
    this.denials.set(readerId, n);
    if (n >= this.d.config.deny_alarm_after) {
      this.d.alarms.raise({
        key: `access.denied-repeatedly:${readerId}`,
        type: 'access.denied-repeatedly',
        source: readerId,
        severity: 'major',
        message: `${n} consecutive denials at ${readerId}`,
        data: { count: n },
      });
    }
  }

  private handle(gateId: string, outcomes: GateOutcome[]): void {
    for (const o of outcomes) {
      switch (o.kind) {
        case 'passage': {
          const day = localTime(this.now(), this.d.timeZone).date;
          if (o.grant?.cardholderId) this.d.allowlist.notePassage(o.grant.cardholderId, o.direction, day);
          this.d.pipeline.emit({
            topic: 'events/access',
            type: 'access.passage',
            source: gateId,
            data: {
              gate: gateId,
              direction: o.direction,
              cardholderId: o.grant?.cardholderId ?? null,
              day,
              granted: o.grant !== null,
            },
          });
          break;
        }
        case 'alarm':
          this.d.alarms.raise({
            key: `gate.${o.type}:${gateId}`,
            type: `gate.${o.type}`,
            source: gateId,
            severity: o.type === 'forced-entry' ? 'critical' : 'major',
            message: `${gateId}: ${o.type}${o.direction ? ` (${o.direction})` : ''}`,
            data: { gate: gateId, name: this.gateName(gateId), direction: o.direction ?? null },
          });
          // Tailgating and reverse entry are moments, not states: they stay until acknowledged.
          if (o.type === 'tailgating' || o.type === 'reverse-entry') this.d.alarms.clear(`gate.${o.type}:${gateId}`);
          break;
        case 'clear':
          this.d.alarms.clear(`gate.${o.type}:${gateId}`);
          break;
        case 'fire':
          void this.onFire(gateId, o.active);
          break;
        case 'grant-expired':
          this.d.pipeline.emit({
            topic: 'events/access',
            type: 'access.not-passed',
            source: gateId,
            data: { gate: gateId, direction: o.grant.direction, cardholderId: o.grant.cardholderId },
          });
          break;
      }
    }
  }

  /** GB 55024: the fire signal at any gate releases every gate until it clears. */
  private async onFire(gateId: string, active: boolean): Promise<void> {
    const before = this.fireActive;
    if (active) this.fireAt.add(gateId);
    else this.fireAt.delete(gateId);
    if (before === this.fireActive) return;
    if (this.fireActive) {
      this.d.alarms.raise({
        key: 'fire.linkage',
        type: 'fire.linkage',
        source: gateId,
        severity: 'critical',
        message: 'Fire signal: all gates released to free passage',
        data: { gate: gateId, name: this.gateName(gateId) },
      });
    } else {
      this.d.alarms.clear('fire.linkage');
    }
    await Promise.all(
      this.d.config.gates.map((g: GateConfig) =>
        this.applyMode(g.id, this.fireActive ? 'free' : this.configured.get(g.id)!).catch(() => {}),
      ),
    );
  }

  private projectPassages(d: AccessDeps) {
    return (events: readonly { type: string; ts: number; data: Record<string, unknown> }[]) => {
      for (const e of events) {
        if (e.type !== 'access.passage' || typeof e.data.cardholderId !== 'string') continue;
        d.allowlist.recordPassage(
          e.ts,
          String(e.data.day),
          e.data.cardholderId,
          String(e.data.gate),
          String(e.data.direction),
        );
      }
    };
  }
}
