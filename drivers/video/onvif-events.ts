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
        topic: rawTopic
          .trim()
          .split('/')
          .map((part) => part.replace(/^[\w.-]+:/, ''))
          .join('/'),
        utcTime: (inner.UtcTime as string | undefined) ?? null,
        operation: op === 'Initialized' || op === 'Changed' || op === 'Deleted' ? op : null,
        source: items(inner.Source),
        data: items(inner.Data),
      },
    ];
  });
}

const truthy = (v: string | undefined) => v === 'true' || v === '1';

/** Topic to event kind, and which data item carries the state. */
const MAPPING: { match: (t: string) => boolean; kind: CameraEventKind; state?: string[]; momentary?: boolean }[] = [
  { match: (t) => t === 'RuleEngine/CellMotionDetector/Motion', kind: 'motion', state: ['IsMotion'] },
  { match: (t) => t === 'VideoSource/MotionAlarm', kind: 'motion', state: ['State'] },
  { match: (t) => t === 'RuleEngine/LineDetector/Crossed', kind: 'line-crossing', momentary: true },
  { match: (t) => t === 'RuleEngine/FieldDetector/ObjectsInside', kind: 'intrusion', state: ['IsInside'] },
  { match: (t) => t === 'RuleEngine/TamperDetector/Tamper', kind: 'tamper', state: ['IsTamper', 'State'] },
  { match: (t) => t.startsWith('VideoSource/GlobalSceneChange/'), kind: 'tamper', state: ['State'] },
  { match: (t) => t === 'Device/Trigger/DigitalInput', kind: 'digital-input', state: ['LogicalState', 'State'] },
];

/** Maps a notification to a camera event, or null for topics the controller does not act on. */
export function classify(n: OnvifNotification): CameraEvent | null {
  const rule = MAPPING.find((m) => m.match(n.topic));
  if (!rule) return null;
  const stateKey = rule.state?.find((k) => k in n.data);
  if (!rule.momentary && !stateKey) return null;
  const sourceKey =
    Object.entries(n.source)
      .map(([k, v]) => `${k}=${v}`)
      .sort()
      .join(';') || n.topic;
  return {
    kind: rule.kind,
    active: rule.momentary ? true : truthy(n.data[stateKey!]),
    momentary: rule.momentary ?? false,
    sourceKey,
    snapshot: n.operation === 'Initialized',
    topic: n.topic,
    utcTime: n.utcTime,
  };
}
