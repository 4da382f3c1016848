import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { classify, isEvent, parseNotifications } from './onvif-events.ts';

interface CorpusEvent {
  vendor: string;
  from: string;
  topic: string;
  operation: string;
  source: Record<string, string>;
  data: Record<string, string>;
  expect: { kind: string; active: boolean; input?: string; snapshot?: boolean } | { reason: string };
}
const corpus = JSON.parse(readFileSync(new URL('./fixtures/vendor-events.json', import.meta.url), 'utf8')) as {
  events: CorpusEvent[];
};

const items = (o: Record<string, string>) =>
  Object.entries(o)
    .map(([k, v]) => `<tt:SimpleItem Name="${k}" Value="${v}"/>`)
    .join('');

/** A PullMessagesResponse as cameras send it, vendor namespaces declared. */
function envelope(e: Pick<CorpusEvent, 'topic' | 'operation' | 'source' | 'data'>): string {
  return `<?xml version="1.0" encoding="UTF-8"?><SOAP-ENV:Envelope xmlns:SOAP-ENV="http://www.w3.org/2003/05/soap-envelope" xmlns:tev="http://www.onvif.org/ver10/events/wsdl" xmlns:wsnt="http://docs.oasis-open.org/wsn/b-2" xmlns:tt="http://www.onvif.org/ver10/schema" xmlns:tns1="http://www.onvif.org/ver10/topics" xmlns:tnshik="http://www.hikvision.com/2011/event/topics" xmlns:tnsaxis="http://www.axis.com/2009/event/topics"><SOAP-ENV:Body><tev:PullMessagesResponse><wsnt:NotificationMessage><wsnt:Topic Dialect="http://www.onvif.org/ver10/tev/topicExpression/ConcreteSet">${e.topic}</wsnt:Topic><wsnt:Message><tt:Message UtcTime="2026-11-30T08:00:00Z" PropertyOperation="${e.operation}"><tt:Source>${items(e.source)}</tt:Source><tt:Data>${items(e.data)}</tt:Data></tt:Message></wsnt:Message></wsnt:NotificationMessage></tev:PullMessagesResponse></SOAP-ENV:Body></SOAP-ENV:Envelope>`;
}

const outcome = (e: Pick<CorpusEvent, 'topic' | 'operation' | 'source' | 'data'>) => {
  const [n] = parseNotifications(envelope(e));
  const c = classify(n!);
  if (!isEvent(c)) return { reason: c.reason };
  return {
    kind: c.kind,
    active: c.active,
    ...(c.input !== undefined ? { input: c.input } : {}),
    ...(c.snapshot ? { snapshot: true } : {}),
  };
};

test('every message of the vendor corpus maps to its typed event, or says why it is none', () => {
  assert.ok(corpus.events.length >= 25);
  const vendors = new Set(corpus.events.map((e) => e.vendor));
  for (const v of ['Hikvision', 'Dahua', 'Uniview', 'Axis', 'Reolink', 'TP-Link Tapo']) assert.ok(vendors.has(v), v);
  for (const e of corpus.events) {
    assert.ok(e.from, `${e.topic}: where it came from`);
    assert.deepEqual(outcome(e), e.expect, `${e.vendor} ${e.topic} (${e.from})`);
  }
});

test('an alarm input reads as one, whatever the vendor names it: ONVIF, Hikvision and Axis', () => {
  const inputs = corpus.events.filter(
    (e) => 'kind' in e.expect && e.expect.kind === 'digital-input' && e.expect.active,
  );
  assert.deepEqual(
    inputs.map((e) => [e.vendor, outcome(e)]),
    [
      ['Hikvision', { kind: 'digital-input', active: true, input: 'AlarmIn_1' }],
      ['Axis', { kind: 'digital-input', active: true, input: '1' }],
    ],
  );
});

test('booleans in any case and spelling, and topics with what firmwares leave around them', () => {
  const motion = (value: string, topic = 'tns1:RuleEngine/CellMotionDetector/Motion') =>
    outcome({ topic, operation: 'Changed', source: {}, data: { IsMotion: value } }) as { active?: boolean };
  assert.deepEqual(
    ['true', 'True', 'TRUE', '1', 'active', 'ON', ' true '].map((v) => motion(v).active),
    [true, true, true, true, true, true, true],
  );
  assert.deepEqual(
    ['false', 'False', '0', 'inactive', 'OFF', ''].map((v) => motion(v).active),
    [false, false, false, false, false, false],
  );
  for (const topic of [
    'tns1:RuleEngine/CellMotionDetector/Motion/',
    ' tns1:RuleEngine/CellMotionDetector/Motion\n',
    'tns1:RuleEngine/CellMotionDetector/Motion//.',
    'tns1:RuleEngine//CellMotionDetector/Motion',
    'tns1:RuleEngine/tns1:CellMotionDetector/tns1:Motion',
  ])
    assert.deepEqual(motion('true', topic), { kind: 'motion', active: true }, JSON.stringify(topic));
});
