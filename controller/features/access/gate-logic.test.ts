import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GateLogic, IDLE } from './gate-logic.ts';

const kinds = (o: { kind: string; type?: string }[]) => o.map((x) => (x.type ? `${x.kind}:${x.type}` : x.kind));

test('a granted passage uses its grant; a second person behind is tailgating', () => {
  const g = new GateLogic(8000, 30000);
  g.grant('in', 's1', 0);
  const first = g.inputs({ ...IDLE, passageIn: true }, 1000);
  assert.deepEqual(kinds(first), ['passage']);
  assert.equal((first[0] as { grant: { cardholderId: string } }).grant.cardholderId, 's1');
  g.inputs(IDLE, 1200);
  assert.deepEqual(kinds(g.inputs({ ...IDLE, passageIn: true }, 1500)), ['passage', 'alarm:tailgating']);
});

test('a passage against the granted direction is reverse entry; an unused grant expires', () => {
  const g = new GateLogic(8000, 30000);
  g.grant('in', 's1', 0);
  assert.deepEqual(kinds(g.inputs({ ...IDLE, passageOut: true }, 500)), ['passage', 'alarm:reverse-entry']);
  assert.deepEqual(kinds(g.tick(8001)), ['grant-expired']);
  assert.equal(g.pending.length, 0);
});

test('forced entry raises and clears with its input; a door held open alarms after the limit', () => {
  const g = new GateLogic(8000, 30000);
  assert.deepEqual(kinds(g.inputs({ ...IDLE, forced: true }, 0)), ['alarm:forced-entry']);
  assert.deepEqual(kinds(g.inputs(IDLE, 100)), ['clear:forced-entry']);
  g.inputs({ ...IDLE, doorOpen: true }, 1000);
  assert.deepEqual(kinds(g.tick(30999)), []);
  assert.deepEqual(kinds(g.tick(31000)), ['alarm:held-open']);
  assert.deepEqual(kinds(g.inputs(IDLE, 32000)), ['clear:held-open']);
});

test('fire: the edge is reported, and passages under fire or free passage raise nothing', () => {
  const g = new GateLogic(8000, 30000);
  assert.deepEqual(kinds(g.inputs({ ...IDLE, fire: true }, 0)), ['fire']);
  assert.deepEqual(kinds(g.inputs({ ...IDLE, fire: true, passageOut: true }, 100)), ['passage']);
  g.inputs(IDLE, 200);
  g.mode = 'free';
  assert.deepEqual(kinds(g.inputs({ ...IDLE, passageIn: true }, 300)), ['passage']);
});

test('a remote open nobody used does not take the next pupil’s entry; it expires as not passed', () => {
  const g = new GateLogic(8000, 30000);
  g.grant('in', null, 0);
  g.grant('in', 's7', 2000);
  const passage = g.inputs({ ...IDLE, passageIn: true }, 2500);
  assert.equal((passage[0] as { grant: { cardholderId: string | null } }).grant.cardholderId, 's7');
  const expired = g.tick(8001);
  assert.deepEqual(kinds(expired), ['grant-expired']);
  assert.equal((expired[0] as { grant: { cardholderId: string | null } }).grant.cardholderId, null);
});
