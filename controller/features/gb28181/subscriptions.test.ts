import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SipRequest } from './sip-message.ts';
import { Subscriptions } from './subscriptions.ts';

const sub = (callId: string, expires: string | null, event = 'Catalog'): SipRequest => ({
  kind: 'request',
  method: 'SUBSCRIBE',
  uri: 'sip:34020000002090000001@3402000000',
  headers: [
    ['from', '<sip:34020000002000000001@3402000000>;tag=p1'],
    ['to', '<sip:34020000002090000001@3402000000>'],
    ['call-id', callId],
    ['contact', '<sip:34020000002000000001@10.0.0.1:5060>'],
    ['event', `${event};id=7`],
    ...(expires === null ? [] : ([['expires', expires]] as [string, string][])),
  ],
  body: Buffer.alloc(0),
});

test('a subscription is granted within bounds, refreshed in its dialog, and ended by Expires 0 or by running out', () => {
  const s = new Subscriptions();
  assert.equal(s.subscribe('district', sub('a', '30'), 'Catalog', {}, 'g1', 0), 60);
  assert.equal(s.subscribe('district', sub('b', '999999'), 'Catalog', {}, 'g2', 0), 86_400);
  assert.equal(s.subscribe('district', sub('c', null), 'Catalog', {}, 'g3', 0), 3600);
  const [a] = s.of('district', 'Catalog', 0);
  assert.equal(a!.from, '<sip:34020000002090000001@3402000000>;tag=g1');
  assert.equal(a!.to, '<sip:34020000002000000001@3402000000>;tag=p1');
  assert.equal(a!.uri, 'sip:34020000002000000001@10.0.0.1:5060');
  assert.equal(a!.eventHeader, 'Catalog;id=7');
  // A refresh keeps the gateway's tag.
  s.subscribe('district', sub('a', '120'), 'Catalog', {}, 'other', 1000);
  assert.equal(s.tagOf('a'), 'g1');
  assert.equal(s.of('district', 'Catalog', 100_000).length, 3);
  assert.equal(s.subscribe('district', sub('b', '0'), 'Catalog', {}, 'x', 2000), 0);
  assert.deepEqual(
    s.of('district', 'Catalog', 122_000).map((x) => x.callId),
    ['c'],
    'a ran out, b ended',
  );
  assert.deepEqual(s.of('province', 'Catalog', 0), []);
  s.forget('district');
  assert.deepEqual(s.of('district', 'Catalog', 0), []);
});

test('an alarm subscription names the priorities and methods it wants', () => {
  const s = new Subscriptions();
  s.subscribe(
    'district',
    sub('a', '3600', 'presence'),
    'Alarm',
    { StartAlarmPriority: '1', EndAlarmPriority: '2', AlarmMethod: '2/5' },
    't',
    0,
  );
  s.subscribe('district', sub('b', '3600', 'presence'), 'Alarm', { StartAlarmPriority: '0', AlarmMethod: '0' }, 't', 0);
  const [a, b] = s.of('district', 'Alarm', 0);
  assert.ok(Subscriptions.wants(a!, 1, 2));
  assert.ok(!Subscriptions.wants(a!, 3, 2), 'priority 3 not asked for');
  assert.ok(!Subscriptions.wants(a!, 1, 4), 'method 4 not asked for');
  // 0 means "all" in the standard's query; an out-of-range value means the full range.
  assert.ok(Subscriptions.wants(b!, 4, 7));
});
