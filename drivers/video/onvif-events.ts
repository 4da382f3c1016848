import { XMLParser } from 'fast-xml-parser';

/**
 * ONVIF event notifications, as they come back from PullMessages: pure
 * parsing and the mapping of the topics a school cares about to typed events.
 */

export interface OnvifNotification {
  /** The topic without namespace prefixes, e.g. `RuleEngine/CellMotionDetector/Motion`. */
  topic: string;
  utcTime: string | null;
  /** `Initialized` is a state snapshot sent when a subscription starts, not a change. */
  operation: 'Initialized' | 'Changed' | 'Deleted' | null;
  source: Record<string, string>;
  data: Record<string, string>;
}

import type { CameraEvent, CameraEventKind } from '../contract.ts';

const parser = new XMLParser({
  removeNSPrefix: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseTagValue: false,
  parseAttributeValue: false,
  isArray: (name) => ['NotificationMessage', 'SimpleItem'].includes(name),
});

export class OnvifXmlError extends Error {}

const items = (node: unknown): Record<string, string> => {
  const list = (node as { SimpleItem?: { Name?: string; Value?: string }[] } | undefined)?.SimpleItem ?? [];
  return Object.fromEntries(
    list.filter((i) => typeof i.Name === 'string').map((i) => [i.Name!, String(i.Value ?? '')]),
  );
};

/** Parses a PullMessagesResponse (or any envelope holding NotificationMessages). Never throws on odd content, only on non-XML. */
export function parseNotifications(xml: string): OnvifNotification[] {
  let doc: unknown;
  try {
    doc = parser.parse(xml, true);
  } catch (err) {
    throw new OnvifXmlError(`not XML: ${(err as Error).message.split('\n')[0]}`);
  }
  const found: unknown[] = [];
  const walk = (n: unknown) => {
    if (!n || typeof n !== 'object') return;
    for (const [k, v] of Object.entries(n)) {
      if (k === 'NotificationMessage') found.push(...(v as unknown[]));
      else walk(v);
    }
  };
  walk(doc);
  return found.flatMap((m): OnvifNotification[] => {
    const msg = m as { Topic?: unknown; Message?: { Message?: Record<string, unknown> } };
    const topicNode = msg.Topic;
    const rawTopic =
      typeof topicNode === 'string' ? topicNode : (topicNode as { '#text'?: string } | undefined)?.['#text'];
    const inner = msg.Message?.Message;
    if (!rawTopic || !inner) return [];
    const op = inner.PropertyOperation as string | undefined;
    return [
      {
        topic: normalTopic(rawTopic),
        utcTime: (inner.UtcTime as string | undefined) ?? null,
        operation: op === 'Initialized' || op === 'Changed' || op === 'Deleted' ? op : null,
        source: items(inner.Source),
        data: items(inner.Data),
      },
    ];
  });
}

/** Cameras spell "on" many ways: true, True, TRUE, 1, active, ON. */
const ON = new Set(['true', '1', 'active', 'on', 'yes']);
const truthy = (v: string | undefined) => ON.has((v ?? '').trim().toLowerCase());

/** Data items that carry a state, in the order they are tried when a rule names none of its own. */
const STATE_ITEMS = [
  'State',
  'state',
  'LogicalState',
  'IsMotion',
  'IsInside',
  'IsTamper',
  'IsIntrusion',
  'IsLineCross',
  'IsPeople',
  'IsVehicle',
  'active',
  'Level',
];

/**
 * Source items that name an input, by vendor: ONVIF's InputToken, Hikvision's AlarmInToken,
 * Axis's port. An emergency button is found by this, whatever the camera.
 */
const INPUT_ITEMS = ['InputToken', 'AlarmInToken', 'port'];

type Rule = { match: (topic: string) => boolean } & (
  | { kind: CameraEventKind; state?: string[]; momentary?: boolean }
  /** One topic for several detections, told apart by which data item is set (Tapo's smart events). */
  | { byItem: Record<string, CameraEventKind> }
);

const is = (t: string) => (topic: string) => topic === t;
const under = (prefix: string) => (topic: string) => topic.startsWith(prefix);

/**
 * Topic to event kind, and which data item carries the state. The vendor rows come from the
 * messages in drivers/video/fixtures/vendor-events.json, each with where it was published.
 */
const MAPPING: Rule[] = [
  // ONVIF Core / Profile S and T topics.
  { match: is('RuleEngine/CellMotionDetector/Motion'), kind: 'motion', state: ['IsMotion'] },
  { match: is('RuleEngine/MotionRegionDetector/Motion'), kind: 'motion', state: ['State'] },
  { match: is('VideoSource/MotionAlarm'), kind: 'motion', state: ['State'] },
  { match: is('RuleEngine/LineDetector/Crossed'), kind: 'line-crossing', momentary: true },
  { match: is('RuleEngine/FieldDetector/ObjectsInside'), kind: 'intrusion', state: ['IsInside'] },
  { match: is('RuleEngine/TamperDetector/Tamper'), kind: 'tamper', state: ['IsTamper', 'State'] },
  { match: under('VideoSource/GlobalSceneChange/'), kind: 'tamper', state: ['State'] },
  { match: is('Device/Trigger/DigitalInput'), kind: 'digital-input', state: ['LogicalState', 'State'] },
  // Hikvision: alarm inputs as tns1:Device/Trigger/tnshik:AlarmIn.
  { match: is('Device/Trigger/AlarmIn'), kind: 'digital-input', state: ['State'] },
  // Axis: I/O ports, the PIR sensor, and the ACAP applications (VMD, guards, object analytics).
  { match: is('Device/IO/Port'), kind: 'digital-input', state: ['state'] },
  { match: is('Device/Sensor/PIR'), kind: 'motion', state: ['state'] },
  { match: under('CameraApplicationPlatform/VMD/'), kind: 'motion', state: ['active'] },
  { match: under('CameraApplicationPlatform/MotionGuard/'), kind: 'motion', state: ['active'] },
  { match: under('CameraApplicationPlatform/FenceGuard/'), kind: 'line-crossing', state: ['active'] },
  { match: under('CameraApplicationPlatform/LoiteringGuard/'), kind: 'intrusion', state: ['active'] },
  { match: under('CameraApplicationPlatform/ObjectAnalytics/'), kind: 'intrusion', state: ['active'] },
  // Reolink (and others on the same firmware): person and vehicle detection.
  { match: is('RuleEngine/MyRuleDetector/PeopleDetect'), kind: 'person', state: ['State'] },
  { match: is('RuleEngine/MyRuleDetector/FaceDetect'), kind: 'person', state: ['State'] },
  { match: is('RuleEngine/MyRuleDetector/VehicleDetect'), kind: 'vehicle', state: ['State'] },
  // TP-Link Tapo: its detections under several topics, depending on the firmware.
  { match: is('RuleEngine/PeopleDetector/People'), kind: 'person', state: ['IsPeople'] },
  { match: is('RuleEngine/CellMotionDetector/People'), kind: 'person', state: ['IsPeople'] },
  { match: is('RuleEngine/CellMotionDetector/Intrusion'), kind: 'intrusion', state: ['IsIntrusion'] },
  { match: is('RuleEngine/IntrusionDetector/Intrusion'), kind: 'intrusion', state: ['IsIntrusion'] },
  { match: is('RuleEngine/CellMotionDetector/LineCross'), kind: 'line-crossing', state: ['IsLineCross'] },
  { match: is('RuleEngine/LineCrossDetector/LineCross'), kind: 'line-crossing', state: ['IsLineCross'] },
  { match: is('RuleEngine/CellMotionDetector/Tamper'), kind: 'tamper', state: ['IsTamper'] },
  {
    match: (t) =>
      t === 'RuleEngine/TPSmartEventDetector/TPSmartEvent' || t === 'RuleEngine/CellMotionDetector/TpSmartEvent',
    byItem: { IsPeople: 'person', IsVehicle: 'vehicle' },
  },
];

/**
 * A topic as the rules know it: namespace prefixes off each part (tns1:, tnshik:, tnsaxis:),
 * and what some firmwares leave around it (whitespace, a trailing "/" or "//.", doubled slashes).
 */
export function normalTopic(raw: string): string {
  return raw
    .trim()
    .replace(/\/\/\.$/, '')
    .split('/')
    .filter(Boolean)
    .map((part) => part.trim().replace(/^[\w.-]+:/, ''))
    .join('/');
}

/** Why a notification is not an event: a topic no rule knows, or a known one without a readable state. */
export type Unclassified = { reason: 'unknown-topic' | 'no-state'; topic: string };

/** Maps a notification to a camera event, or says why it is none. */
export function classify(n: OnvifNotification): CameraEvent | Unclassified {
  const rule = MAPPING.find((m) => m.match(n.topic));
  if (!rule) return { reason: 'unknown-topic', topic: n.topic };
  const byItem = 'byItem' in rule ? Object.keys(rule.byItem).find((k) => k in n.data) : undefined;
  const kind = 'byItem' in rule ? (byItem ? rule.byItem[byItem]! : null) : rule.kind;
  const momentary = 'momentary' in rule && rule.momentary === true;
  const stateKey =
    byItem ??
    ('state' in rule ? rule.state : undefined)?.find((k) => k in n.data) ??
    STATE_ITEMS.find((k) => k in n.data);
  if (!kind || (!momentary && !stateKey)) return { reason: 'no-state', topic: n.topic };
  const sourceKey =
    Object.entries(n.source)
      .map(([k, v]) => `${k}=${v}`)
      .sort()
      .join(';') || n.topic;
  const inputItem = INPUT_ITEMS.find((k) => k in n.source);
  return {
    kind,
    active: momentary ? true : truthy(n.data[stateKey!]),
    momentary,
    sourceKey,
    ...(kind === 'digital-input' && inputItem ? { input: n.source[inputItem] } : {}),
    snapshot: n.operation === 'Initialized',
    topic: n.topic,
    utcTime: n.utcTime,
  };
}

export const isEvent = (c: CameraEvent | Unclassified): c is CameraEvent => 'kind' in c;
