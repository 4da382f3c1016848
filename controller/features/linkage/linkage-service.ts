import type { SiteConfig } from '../../config/types.ts';
import type { AlarmManager } from '../../core/alarms.ts';
import type { CommandBus } from '../../core/commands.ts';
import type { Logger } from '../../core/logger.ts';
import { text } from '../../core/message-catalog.ts';
import type { Pipeline } from '../../core/pipeline.ts';
import type { Actor, CommandResult, StoredEvent } from '../../core/types.ts';
import { localTime } from '../access/decide.ts';
import type { AlarmFacts, LinkageRule, LinkageStep } from './rule-match.ts';
import { ruleMatches } from './rule-match.ts';

interface RaisedAlarm {
  id: string;
  key: string;
  type: string;
  source: string;
  severity: AlarmFacts['severity'];
  raisedAt: number;
  data: Record<string, unknown>;
}

export interface StepOutcome {
  ok: boolean;
  detail: string;
  code?: string;
  params?: Record<string, string | number>;
}

/** How long a step may take when its rule does not say. */
const TIMEOUT_S: Record<LinkageStep['do'], number> = {
  'camera.preset': 10,
  clip: 90,
  popup: 2,
  'pa.message': 20,
  'board.notice': 10,
  output: 10,
  'gate.mode': 10,
  scenario: 30,
  'notify.district': 5,
};

const coded = (code: Parameters<typeof text>[0], params: Record<string, string | number> = {}, ok = true) => ({
  ok,
  code,
  params,
  detail: text(code, 'en', params),
});

/**
 * Linkage (联动): each raised alarm is matched against the site's rules; a rule that matches runs
 * its steps in order, each a command (audited as the rule's) with a time limit. Every step's
 * result goes on the alarm's timeline and out as a `linkage.step` record, so the console and the
 * district see what was done and what failed. One alarm's rules run one after another; alarms
 * run side by side.
 */
export class LinkageService {
  private readonly running = new Set<Promise<void>>();
  private stopped = false;

  constructor(
    private readonly d: {
      rules: readonly LinkageRule[];
      site: SiteConfig;
      pipeline: Pipeline;
      alarms: AlarmManager;
      commands: CommandBus;
      clip: ((alarm: RaisedAlarm, cameras: string[]) => Promise<StepOutcome>) | null;
      placeOf(device: string): string | null;
      log: Logger;
    },
  ) {}

  onRecords(events: readonly StoredEvent[]): void {
    for (const e of events) {
      if (e.type !== 'alarm.raised' || this.stopped) continue;
      const alarm = e.data.alarm as RaisedAlarm;
      const facts: AlarmFacts = {
        type: alarm.type,
        source: alarm.source,
        severity: alarm.severity,
        place: (alarm.data.room as string) ?? (alarm.data.location as string) ?? this.d.placeOf(alarm.source),
        at: localTime(alarm.raisedAt, this.d.site.school.timezone),
      };
      const rules = this.d.rules.filter((r) => ruleMatches(r, facts));
      if (!rules.length) continue;
      const run = this.run(alarm, rules).finally(() => this.running.delete(run));
      this.running.add(run);
    }
  }

  private async run(alarm: RaisedAlarm, rules: LinkageRule[]): Promise<void> {
    for (const rule of rules)
      for (const [i, step] of rule.steps.entries()) {
        if (this.stopped) return;
        const startedAt = Date.now();
        const outcome = await this.timed(step, () => this.step(alarm, rule, step));
        const entry = {
          rule: rule.id,
          ruleName: rule.name,
          step: i + 1,
          do: step.do,
          ...outcome,
          startedAt,
          ms: Date.now() - startedAt,
        };
        this.d.pipeline.emit({
          topic: 'events/linkage',
          type: 'linkage.step',
          source: rule.id,
          severity: outcome.ok ? 'info' : 'warning',
          data: { alarm: alarm.key, alarmId: alarm.id, ...entry },
        });
        this.d.alarms.attach(alarm.id, 'timeline', entry);
      }
  }

  private async timed(step: LinkageStep, fn: () => Promise<StepOutcome>): Promise<StepOutcome> {
    const s = step.timeout_s ?? TIMEOUT_S[step.do];
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<StepOutcome>((resolve) => {
      timer = setTimeout(() => resolve(coded('linkage.timeout', { s }, false)), s * 1000);
    });
    try {
      return await Promise.race([fn().catch((err: Error) => ({ ok: false, detail: err.message })), late]);
    } finally {
      clearTimeout(timer);
    }
  }

  private async command(rule: LinkageRule, name: string, args: Record<string, unknown>): Promise<StepOutcome> {
    const actor: Actor = { kind: 'scenario', name: `linkage:${rule.id}` };
    return outcomeOf(await this.d.commands.execute({ name, args }, actor));
  }

  private async step(alarm: RaisedAlarm, rule: LinkageRule, step: LinkageStep): Promise<StepOutcome> {
    const c = this.d.site;
    const all = <T extends { id: string }>(list: readonly T[], pick: 'all' | string[]) =>
      pick === 'all' ? list.map((x) => x.id) : pick;
    switch (step.do) {
      case 'camera.preset':
        return this.command(rule, 'camera.ptz', { cameraId: step.camera, action: 'preset', preset: step.preset });
      case 'clip':
        return this.d.clip ? this.d.clip(alarm, step.cameras) : coded('linkage.no-prealarm', {}, false);
      case 'popup':
        return coded('linkage.popup');
      case 'pa.message': {
        const r = await this.command(rule, 'pa.play', {
          kind: step.text ? 'tts' : step.sound ? 'sound' : 'chime',
          ...(step.text ? { text: step.text } : {}),
          ...(step.sound ? { sound: step.sound } : {}),
          zones: all(c.pa.zones, step.zones),
          priority: step.priority ?? 'announcement',
          label: rule.name,
        });
        // A broadcast the PA dropped did not happen.
        return r.ok && r.detail === 'dropped' ? { ...r, ok: false } : r;
      }
      case 'board.notice':
        return this.command(rule, 'board.notice', { text: step.text, boards: step.boards });
      case 'output':
        return this.command(rule, 'output.set', { id: step.output, on: true, seconds: step.seconds });
      case 'gate.mode': {
        const results = await Promise.all(
          all(c.access.gates, step.gates).map((gateId) => this.command(rule, 'gate.mode', { gateId, mode: step.mode })),
        );
        const failed = results.filter((r) => !r.ok);
        return failed.length ? failed[0]! : { ok: true, detail: `${results.length} gates ${step.mode}` };
      }
      case 'scenario': {
        const r = await this.d.commands.execute(
          { name: 'scenario.start', args: { kind: step.kind, drill: false } },
          { kind: 'scenario', name: `linkage:${rule.id}` },
        );
        if (!r.ok) return outcomeOf(r);
        const steps = (r.result as { timeline: { ok: boolean }[] }).timeline;
        const done = steps.filter((s) => s.ok).length;
        return { ok: done === steps.length, detail: `${step.kind}: ${done} of ${steps.length} steps done` };
      }
      case 'notify.district':
        this.d.pipeline.emit({
          topic: 'events/linkage',
          type: 'linkage.notice',
          source: rule.id,
          severity: alarm.severity,
          data: {
            alarm: alarm.key,
            alarmId: alarm.id,
            rule: rule.id,
            ruleName: rule.name,
            type: alarm.type,
            device: alarm.source,
          },
        });
        return coded('linkage.district');
    }
  }

  /** Waits (a little) for the steps under way, so their results are stored before the store closes. */
  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.race([Promise.all(this.running), new Promise((r) => setTimeout(r, 2000))]);
  }
}

/** A command's answer as a step's outcome: its refusal as the bus gave it, or what it reported. */
function outcomeOf(r: CommandResult): StepOutcome {
  if (!r.ok)
    return { ok: false, detail: r.error ?? 'refused', ...(r.code ? { code: r.code, params: r.params ?? {} } : {}) };
  const res = r.result as { state?: string } | undefined;
  return { ok: true, detail: res?.state ?? 'done' };
}
