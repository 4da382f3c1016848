import assert from 'node:assert/strict';
import { test } from 'node:test';
import { classify, isEvent, parseNotifications } from '../../../drivers/video/onvif-events.ts';
import { localTime } from '../access/decide.ts';
import { CameraAlarmState, isArmed } from './arming.ts';

const message = (
  topic: string,
  op: string,
  data: [string, string][],
  source: [string, string][] = [['Rule', 'MyRule']],
) => `
<wsnt:NotificationMessage>
  <wsnt:Topic Dialect="http://www.onvif.org/ver10/tev/topicExpression/ConcreteSet">tns1:${topic}</wsnt:Topic>
  <wsnt:Message><tt:Message UtcTime="2026-11-23T13:00:00Z" PropertyOperation="${op}">
    <tt:Source>${source.map(([n, v]) => `<tt:SimpleItem Name="${n}" Value="${v}"/>`).join('')}</tt:Source>
    <tt:Data>${data.map(([n, v]) => `<tt:SimpleItem Name="${n}" Value="${v}"/>`).join('')}</tt:Data>
  </tt:Message></wsnt:Message>
</wsnt:NotificationMessage>`;

const envelope = (...msgs: string[]) =>
  `<?xml version="1.0"?><s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:tt="http://www.onvif.org/ver10/schema" xmlns:wsnt="http://docs.oasis-open.org/wsn/b-2" xmlns:tns1="http://www.onvif.org/ver10/topics"><s:Body><tev:PullMessagesResponse xmlns:tev="http://www.onvif.org/ver10/events/wsdl"><tev:CurrentTime>2026-11-23T13:00:00Z</tev:CurrentTime>${msgs.join('')}</tev:PullMessagesResponse></s:Body></s:Envelope>`;

test('notifications parse to topics without prefixes, with source and data items', () => {
  const [n] = parseNotifications(
    envelope(
      message(
        'RuleEngine/FieldDetector/ObjectsInside',
        'Changed',
        [['IsInside', 'true']],
        [
          ['VideoSourceConfigurationToken', 'vsc1'],
          ['Rule', 'Fence'],
        ],
      ),
    ),
  );
  assert.deepEqual(n, {
    topic: 'RuleEngine/FieldDetector/ObjectsInside',
    utcTime: '2026-11-23T13:00:00Z',
    operation: 'Changed',
    source: { VideoSourceConfigurationToken: 'vsc1', Rule: 'Fence' },
    data: { IsInside: 'true' },
  });
  assert.deepEqual(parseNotifications('<s:Envelope><s:Body/></s:Envelope>'), []);
  assert.throws(() => parseNotifications('<<<not xml'), /not XML/);
});

test('the ONVIF topics a school acts on map to typed events; others are ignored', () => {
  const kinds = parseNotifications(
    envelope(
      message('RuleEngine/CellMotionDetector/Motion', 'Changed', [['IsMotion', 'true']]),
      message('VideoSource/MotionAlarm', 'Changed', [['State', 'false']]),
      message('RuleEngine/LineDetector/Crossed', 'Changed', [['ObjectId', '7']]),
      message('RuleEngine/TamperDetector/Tamper', 'Changed', [['IsTamper', 'true']]),
      message('VideoSource/GlobalSceneChange/ImagingService', 'Changed', [['State', 'true']]),
      message('Device/Trigger/DigitalInput', 'Initialized', [['LogicalState', 'false']], [['InputToken', 'DI_1']]),
      message('Monitoring/ProcessorUsage', 'Changed', [['Value', '12']]),
    ),
  )
    .map(classify)
    .map((e) => (isEvent(e) ? `${e.kind}:${e.active}${e.snapshot ? ':snapshot' : ''}` : e.reason));
  assert.deepEqual(kinds, [
    'motion:true',
    'motion:false',
    'line-crossing:true',
    'tamper:true',
    'tamper:true',
    'digital-input:false:snapshot',
    'unknown-topic',
  ]);
});

test('arming: intrusion armed only after hours, tamper always, motion not by default', () => {
  const afterHours = { intrusion: { disarmed: [{ days: [1, 2, 3, 4, 5], from: '07:00', to: '18:00' }] } };
  const at = (iso: string) => localTime(Date.parse(iso), 'Asia/Shanghai');
  assert.equal(isArmed('intrusion', afterHours, at('2026-11-23T02:00:00Z')), false, 'Monday 10:00');
  assert.equal(isArmed('intrusion', afterHours, at('2026-11-23T13:00:00Z')), true, 'Monday 21:00');
  assert.equal(isArmed('intrusion', afterHours, at('2026-11-22T02:00:00Z')), true, 'Sunday');
  assert.equal(isArmed('tamper', { motion: 'never' }, at('2026-11-23T02:00:00Z')), true);
  assert.equal(isArmed('motion', {}, at('2026-11-23T13:00:00Z')), false);
});

test('alarm state: Initialized only sets state; edges raise when armed and clear; line crossings are momentary', () => {
  const s = new CameraAlarmState('cam1');
  const ev = (kind: 'intrusion' | 'line-crossing', active: boolean, snapshot = false) => ({
    kind,
    active,
    momentary: kind === 'line-crossing',
    sourceKey: 'Rule=Fence',
    snapshot,
    topic: 't',
    utcTime: null,
  });
  assert.deepEqual(s.onEvent(ev('intrusion', true, true), true), [], 'a snapshot of an active state is not an alarm');
  assert.deepEqual(s.onEvent(ev('intrusion', true), true), [], 'no change from the snapshot');
  assert.deepEqual(
    s.onEvent(ev('intrusion', false), true).map((a) => a.action),
    ['record', 'clear'],
  );
  assert.deepEqual(
    s.onEvent(ev('intrusion', true), true).map((a) => a.action),
    ['record', 'raise'],
  );
  assert.deepEqual(
    s.onEvent(ev('intrusion', false), false).map((a) => a.action),
    ['record', 'clear'],
  );
  assert.deepEqual(
    s.onEvent(ev('intrusion', true), false).map((a) => a.action),
    ['record'],
    'disarmed: recorded, no alarm',
  );
  assert.deepEqual(
    s.onEvent(ev('line-crossing', true), true).map((a) => a.action),
    ['record', 'raise', 'clear'],
  );
});
