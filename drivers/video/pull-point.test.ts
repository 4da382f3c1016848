import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PullPoint, type SoapChannel } from './pull-point.ts';

const ADDRESS = 'http://cam/onvif/Events/PullSubManager?sub=7';
const created = `<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Body><tev:CreatePullPointSubscriptionResponse xmlns:tev="http://www.onvif.org/ver10/events/wsdl"><tev:SubscriptionReference><wsa:Address xmlns:wsa="http://www.w3.org/2005/08/addressing">${ADDRESS}</wsa:Address></tev:SubscriptionReference></tev:CreatePullPointSubscriptionResponse></s:Body></s:Envelope>`;
const motion = `<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:tt="http://www.onvif.org/ver10/schema" xmlns:wsnt="http://docs.oasis-open.org/wsn/b-2" xmlns:tns1="http://www.onvif.org/ver10/topics"><s:Body><tev:PullMessagesResponse xmlns:tev="http://www.onvif.org/ver10/events/wsdl"><wsnt:NotificationMessage><wsnt:Topic>tns1:RuleEngine/CellMotionDetector/Motion</wsnt:Topic><wsnt:Message><tt:Message UtcTime="2026-12-01T08:00:00Z" PropertyOperation="Changed"><tt:Source><tt:SimpleItem Name="Rule" Value="MyMotion"/></tt:Source><tt:Data><tt:SimpleItem Name="IsMotion" Value="true"/></tt:Data></tt:Message></wsnt:Message></wsnt:NotificationMessage></tev:PullMessagesResponse></s:Body></s:Envelope>`;

/** A camera whose answers the test scripts, one per request, in order; each request is recorded. */
function scripted(...answers: (string | Error)[]) {
  const sent: { op: string; to?: string; body: string }[] = [];
  const channel: SoapChannel = {
    request: async (body, { to }) => {
      sent.push({ op: /<(\w+)/.exec(body)![1]!, to, body });
      const a = answers.shift();
      if (a === undefined) throw new Error('no answer scripted');
      if (a instanceof Error) throw a;
      return a;
    },
  };
  return { channel, sent };
}

test('subscribes, pulls with a timeout that ends before the renewal, and renews at 75 % of the life', async () => {
  let now = 0;
  const cam = scripted(created, motion, motion, '<ok/>', motion);
  const pp = new PullPoint(cam.channel, 60, 30, () => now);
  await pp.subscribe();
  assert.equal((await pp.next())[0]?.topic, 'RuleEngine/CellMotionDetector/Motion');
  assert.match(cam.sent[1]!.body, /<Timeout>PT30S<\/Timeout>/);
  now = 40_000;
  await pp.next();
  assert.match(cam.sent[2]!.body, /<Timeout>PT5S<\/Timeout>/, 'a pull never outlasts the renewal due at 45 s');
  now = 45_000;
  await pp.next();
  assert.deepEqual(
    cam.sent.map((s) => [s.op, s.to]),
    [
      ['CreatePullPointSubscription', undefined],
      ['PullMessages', ADDRESS],
      ['PullMessages', ADDRESS],
      ['Renew', ADDRESS],
      ['PullMessages', ADDRESS],
    ],
  );
  assert.deepEqual(pp.counters, {
    subscriptions: 1,
    renewals: 1,
    pulls: 3,
    notifications: 3,
    malformed: 0,
    throttled: 0,
  });
});

test('a garbled answer is counted and dropped; a lost one fails the round and the subscription is left', async () => {
  const cam = scripted(created, '<<<garbage', new Error('timeout'), new Error('connection refused'));
  const pp = new PullPoint(
    cam.channel,
    60,
    30,
    () => 0,
    async () => {},
  );
  await pp.subscribe();
  assert.deepEqual(await pp.next(), []);
  assert.equal(pp.counters.malformed, 1);
  await assert.rejects(pp.next(), /timeout/);
  await pp.unsubscribe();
  assert.equal(pp.subscribed, false, 'an unsubscribe the camera did not answer still forgets the subscription');
  assert.deepEqual(cam.sent.at(-1)?.op, 'Unsubscribe');
});

test('a repeated answer is passed on as it came; a new subscription first ends the old one', async () => {
  const cam = scripted(created, motion, motion, '<ok/>', created);
  const pp = new PullPoint(cam.channel, 60, 30, () => 0);
  await pp.subscribe();
  assert.equal((await pp.next()).length, 1);
  assert.equal((await pp.next()).length, 1);
  await pp.subscribe();
  assert.deepEqual(
    cam.sent.slice(-2).map((s) => s.op),
    ['Unsubscribe', 'CreatePullPointSubscription'],
  );
});

test('a camera that answers the subscription with no address is refused', async () => {
  const pp = new PullPoint(scripted('<s:Envelope><s:Body/></s:Envelope>').channel, 60, 30);
  await assert.rejects(pp.subscribe(), /no address/);
  assert.equal(pp.subscribed, false);
  await assert.rejects(pp.next(), /not subscribed/);
});

const times = (current: string, end: string) =>
  `<wsnt:CurrentTime xmlns:wsnt="http://docs.oasis-open.org/wsn/b-2">${current}</wsnt:CurrentTime><wsnt:TerminationTime xmlns:wsnt="http://docs.oasis-open.org/wsn/b-2">${end}</wsnt:TerminationTime>`;

test('renewal follows the life the camera granted, by its own clock, not the life asked for', async () => {
  let now = 0;
  // Asked for 60 s, granted 20 s; the camera's clock is a year off, which must not matter.
  const grantedCreate = created.replace(
    '</tev:SubscriptionReference>',
    `</tev:SubscriptionReference>${times('2025-01-01T00:00:00Z', '2025-01-01T00:00:20Z')}`,
  );
  const renewed = `<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"><s:Body><wsnt:RenewResponse xmlns:wsnt="http://docs.oasis-open.org/wsn/b-2">${times('2025-01-01T00:00:15Z', '2025-01-01T00:00:25Z')}</wsnt:RenewResponse></s:Body></s:Envelope>`;
  const cam = scripted(grantedCreate, motion, renewed, motion, renewed, motion);
  const pp = new PullPoint(cam.channel, 60, 30, () => now);
  await pp.subscribe();
  await pp.next();
  assert.match(cam.sent[1]!.body, /PT15S/, 'the pull ends at 75 % of the 20 s granted');
  now = 15_000;
  await pp.next();
  assert.equal(cam.sent[2]!.op, 'Renew');
  now = 22_500;
  await pp.next();
  assert.equal(cam.sent.at(-2)!.op, 'Renew', 'renewed again at 75 % of the 10 s the renewal granted');
});

test('a camera that answers empty pulls at once, ignoring the timeout, is pulled at most once a second', async () => {
  let now = 0;
  const slept: number[] = [];
  const empty = motion.replace(/<wsnt:NotificationMessage>[\s\S]*<\/wsnt:NotificationMessage>/, '');
  const cam = scripted(created, empty, empty, motion, motion);
  const pp = new PullPoint(
    cam.channel,
    60,
    30,
    () => now,
    async (ms) => {
      slept.push(ms);
      now += ms;
    },
  );
  await pp.subscribe();
  await pp.next();
  now += 5;
  await pp.next();
  now += 5;
  await pp.next();
  await pp.next();
  assert.deepEqual(slept, [995, 995], 'each empty answer that came back early makes the next pull wait');
  assert.equal(pp.counters.throttled, 2);
});
