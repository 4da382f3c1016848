import type { AccessService } from '../access/access-service.ts';
import type { BoardService } from '../boards/board-service.ts';
import type { AudioSource } from '../../../drivers/contract.ts';
import type { PaService } from '../pa/pa-service.ts';
import type { Pipeline } from '../../core/pipeline.ts';
import type { Static } from '@sinclair/typebox';
import type { TimelineEntrySchema } from './records.ts';

import { CodedError, type MessageKey, type MessageParams, text } from '../../core/message-catalog.ts';

/** What a step said it did: English text, and its key and parameters. */
interface Said {
  detail: string;
  code: MessageKey;
  params: MessageParams;
}

export type ScenarioKind = 'lockdown' | 'evacuation' | 'all-clear';

/** A step had nothing to act on (no PA zones, no boards, no gates) when `nothing` says which: said, not reported as done. */
export type TimelineEntry = Static<typeof TimelineEntrySchema>;

/** A lockdown or evacuation in force, until an all-clear: what every console page shows. */
export interface ActiveScenario {
  id: string;
  kind: Exclude<ScenarioKind, 'all-clear'>;
  drill: boolean;
  by: string;
  startedAt: number;
}
export interface ScenarioReport {
  id: string;
  kind: ScenarioKind;
  drill: boolean;
  by: string;
  startedAt: number;
  finishedAt: number;
  timeline: TimelineEntry[];
}

const MESSAGES: Record<Exclude<ScenarioKind, 'all-clear'>, string> = {
  lockdown: '紧急情况，全校封闭。请立即进入最近的教室，锁好门窗，保持安静，等待通知。',
  evacuation: '紧急疏散。请立即停止活动，沿安全通道有序撤离到集合地点。',
};

/**
 * Campus emergency scenarios in one command: gates, PA and boards together.
 * Every step is timed from command to confirmation; the timeline is the report.
 * A drill runs the same steps and is marked as a drill everywhere.
 */
export class ScenarioService {
  last: ScenarioReport | null = null;
  active: ActiveScenario | null = null;

  constructor(
    private readonly d: {
      access: AccessService;
      pa: PaService;
      boards: BoardService;
      pipeline: Pipeline;
      gateIds: string[];
      configuredModes: Map<string, 'normal' | 'locked' | 'free'>;
      /** A recorded message for the scenario (sounds_dir/lockdown.wav, evacuation.wav), if the school has one. */
      recording(kind: 'lockdown' | 'evacuation'): AudioSource | null;
      paZones: number;
    },
    private readonly now: () => number = Date.now,
  ) {}

  async run(kind: ScenarioKind, drill: boolean, by: string): Promise<ScenarioReport> {
    const startedAt = this.now();
    const id = `${kind}-${startedAt}`;
    this.active = kind === 'all-clear' ? null : { id, kind, drill, by, startedAt };
    this.d.pipeline.emit({
      topic: 'events/scenario',
      type: 'scenario.started',
      source: by,
      severity: drill ? 'warning' : 'critical',
      data: { id, kind, drill },
    });
    const timeline: TimelineEntry[] = [];
    const said = (code: MessageKey, params: MessageParams = {}) => ({ detail: text(code, 'en', params), code, params });
    // biome-ignore lint/suspicious/noConfusingVoidType: a step either reports what it did or returns nothing
    const step = async (name: string, target: string, fn: () => Promise<Said | void> | Said | void) => {
      const commandedAt = this.now();
      try {
        const out = await fn();
        timeline.push({ step: name, target, commandedAt, confirmedAt: this.now(), ok: true, ...(out ?? {}) });
      } catch (err) {
        const why = err instanceof CodedError ? said(err.code, err.params) : { detail: (err as Error).message };
        timeline.push({ step: name, target, commandedAt, confirmedAt: null, ok: false, ...why });
      }
    };
    const nothing = (name: string, what: NonNullable<TimelineEntry['nothing']>) =>
      timeline.push({
        step: name,
        target: '—',
        commandedAt: startedAt,
        confirmedAt: null,
        ok: true,
        nothing: what,
        ...said(`step.${what}`),
      });
    if (!this.d.gateIds.length) nothing('gate', 'no-gates');
    if (!this.d.boards.boards.length) nothing('boards', 'no-boards');
    if (!this.d.paZones) nothing('pa', 'no-pa-zones');
    const mode = kind === 'lockdown' ? 'locked' : kind === 'evacuation' ? 'free' : null;
    await Promise.all([
      ...this.d.gateIds.map((g) =>
        step('gate', g, () => this.d.access.setMode(g, mode ?? this.d.configuredModes.get(g) ?? 'normal')),
      ),
      this.d.boards.boards.length &&
        step('boards', 'all', () => {
          this.d.boards.setTakeover(
            kind === 'all-clear'
              ? null
              : { kind, message: (drill ? '【演练】' : '') + MESSAGES[kind], drill, at: startedAt },
          );
          return said('step.boards-connected', {
            n: this.d.boards.boards.reduce((n, b) => n + this.d.boards.connected(b.id), 0),
          });
        }),
      this.d.paZones &&
        step('pa', 'all', () => {
          if (kind === 'all-clear') {
            this.d.pa.stop();
            return said('step.pa-stopped');
          }
          // A recorded message when there is one; text-to-speech otherwise.
          const source = this.d.recording(kind) ?? {
            kind: 'tts' as const,
            text: (drill ? '这是演练。' : '') + MESSAGES[kind],
          };
          const r = this.d.pa.request({
            source,
            zones: 'all',
            priority: 'emergency',
            label: `${kind}${drill ? ' drill' : ''}`,
            by,
          });
          // Dropped is not done: the timeline says the step failed.
          if (r.state === 'dropped') throw new CodedError('step.pa-dropped');
          return said(`step.pa-${r.state}`);
        }),
    ]);
    const report: ScenarioReport = { id, kind, drill, by, startedAt, finishedAt: this.now(), timeline };
    this.last = report;
    this.d.pipeline.emit({
      topic: 'events/scenario',
      type: 'scenario.report',
      source: by,
      severity: drill ? 'info' : 'critical',
      data: { ...report },
    });
    return report;
  }
}
