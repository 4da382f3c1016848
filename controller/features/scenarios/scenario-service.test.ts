import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AccessService } from '../access/access-service.ts';
import type { BoardService } from '../boards/board-service.ts';
import type { PaService } from '../pa/pa-service.ts';
import type { Pipeline } from '../../core/pipeline.ts';
import { ScenarioService } from './scenario-service.ts';

/** A school with one gate and nothing else: no class boards, no PA zones. */
function school() {
  const modes: string[] = [];
  const emitted: string[] = [];
  const service = new ScenarioService({
    access: { setMode: async (g: string, m: string) => void modes.push(`${g}:${m}`) } as unknown as AccessService,
    pa: { request: () => ({ state: 'playing' }), stop: () => {} } as unknown as PaService,
    boards: { boards: [], setTakeover: () => {}, connected: () => 0 } as unknown as BoardService,
    pipeline: { emit: (e: { type: string }) => void emitted.push(e.type) } as unknown as Pipeline,
    gateIds: ['south'],
    configuredModes: new Map([['south', 'normal' as const]]),
    recording: () => null,
    paZones: 0,
  });
  return { service, modes, emitted };
}

test('a step with nothing to act on says so in the timeline instead of ok; the rest run', async () => {
  const { service, modes } = school();
  const r = await service.run('lockdown', true, 'user:guard1');
  assert.deepEqual(modes, ['south:locked']);
  assert.deepEqual(
    r.timeline.map((e) => [e.step, e.nothing ?? (e.ok ? 'ok' : 'failed')]),
    [
      ['boards', 'no-boards'],
      ['pa', 'no-pa-zones'],
      ['gate', 'ok'],
    ],
  );
  assert.deepEqual([r.timeline[0]!.detail, r.timeline[0]!.code], ['no class boards configured', 'step.no-boards']);
});

test('a lockdown is in force until the all-clear, drill or real as it was started', async () => {
  const { service } = school();
  await service.run('lockdown', false, 'user:guard1');
  assert.deepEqual((({ kind, drill, by }) => ({ kind, drill, by }))(service.active!), {
    kind: 'lockdown',
    drill: false,
    by: 'user:guard1',
  });
  await service.run('all-clear', false, 'user:guard1');
  assert.equal(service.active, null);
});
