import assert from 'node:assert/strict';
import { test } from 'node:test';
import { contractProblems } from './contract.ts';
import { parseDownlink } from './downlink.ts';

const base = 'campus/d/s/gw';

test('a well-formed command parses, with its name from the topic', () => {
  const r = parseDownlink(
    `${base}/cmd/alarm.ack`,
    base,
    Buffer.from(JSON.stringify({ id: 'c1', args: { alarmId: 'a' } })),
  );
  assert.deepEqual(r, { ok: true, command: { id: 'c1', name: 'alarm.ack', args: { alarmId: 'a' } } });
  assert.deepEqual(contractProblems('cmd/alarm.ack', { id: 'c1', args: {} }), []);
});

test('garbage is rejected with a reason, never thrown', () => {
  const cases: [string, Buffer, RegExp][] = [
    [`${base}/cmd/status`, Buffer.from([0xff, 0x00, 0x7b]), /not JSON/],
    [`${base}/cmd/status`, Buffer.from('[]'), /invalid command/],
    [`${base}/cmd/status`, Buffer.from('{"id":5}'), /invalid command/],
    [`${base}/cmd/status`, Buffer.from('{"id":"x","args":[],"extra":1}'), /invalid command/],
    [`${base}/cmd/a/b`, Buffer.from('{"id":"x"}'), /not a command topic/],
    [`other/cmd/status`, Buffer.from('{"id":"x"}'), /not a command topic/],
  ];
  for (const [topic, payload, reason] of cases) {
    const r = parseDownlink(topic, base, payload);
    assert.equal(r.ok, false);
    assert.match((r as { error: string }).error, reason);
  }
  const withId = parseDownlink(`${base}/cmd/status`, base, Buffer.from('{"id":"keep-me","args":5}'));
  assert.equal((withId as { id: string | null }).id, 'keep-me', 'the id is kept so the rejection can be answered');
});
