/**
 * The uplink contract for the district NOC, generated from the record
 * catalogue: a JSON Schema of every payload (uplink.schema.json, which the
 * scenario tests check each published message against) and an AsyncAPI 3
 * document of the topics (asyncapi.json). `npm run generate` writes both.
 */
import type { RecordType } from '../../core/records.ts';
import { RECORD_TYPES } from '../../record-catalogue.ts';
import { commandBodySchema } from '../downlink.ts';

const severity = { enum: ['info', 'warning', 'major', 'critical'] };
const envelope = {
  type: 'object',
  required: ['id', 'seq', 'ts', 'gateway', 'source', 'type', 'data'],
  additionalProperties: false,
  properties: {
    id: { type: 'string', format: 'uuid', description: 'Stable across retransmissions.' },
    seq: { type: 'integer', minimum: 1, description: 'Per-gateway sequence number.' },
    ts: { type: 'string', format: 'date-time', description: 'When the gateway recorded it (UTC).' },
    gateway: { type: 'string' },
    source: { type: 'string', description: 'Device id, or the subsystem that produced the record.' },
    type: { type: 'string' },
    severity: { $ref: '#/definitions/severity' },
    data: { type: 'object' },
  },
};
const state = {
  description: 'Retained on {base}/state. online:false is also the last will.',
  type: 'object',
  required: ['online', 'gateway'],
  properties: {
    online: { type: 'boolean' },
    gateway: { type: 'string' },
    ts: { type: 'string', format: 'date-time' },
    version: { type: 'string' },
    school: { type: 'string' },
    startedAt: { type: 'string', format: 'date-time' },
    configHash: { type: 'string' },
  },
};
const command = {
  description:
    'What the district publishes on {base}/cmd/{name}, signed (docs/uplink-contract.md); the answer comes on cmd-result.',
  ...commandBodySchema,
};

const clipPart = {
  description:
    'On {base}/media/clips: one part of an alarm clip (MP4), sent at QoS1, at least once, in order. Join parts 0..parts-1 of one clip by offset and check sha256; a part seen again is the same bytes. After an outage or a restart the gateway resumes at the first part the broker had not acknowledged. clip.uploaded on events/video says when every part was acknowledged.',
  type: 'object',
  required: [
    'clip',
    'alarmId',
    'alarm',
    'camera',
    'contentType',
    'size',
    'sha256',
    'part',
    'parts',
    'offset',
    'partSha256',
    'data',
    'gateway',
    'ts',
  ],
  additionalProperties: false,
  properties: {
    clip: { type: 'string', description: 'The clip file, unique per gateway: the same in every part.' },
    alarmId: { type: 'string', format: 'uuid' },
    alarm: { type: 'string', description: 'The alarm key, e.g. emergency.button:lodge.' },
    camera: { type: 'string' },
    contentType: { const: 'video/mp4' },
    size: { type: 'integer', minimum: 0, description: 'Bytes in the whole clip.' },
    sha256: { type: 'string', pattern: '^[0-9a-f]{64}$', description: 'Of the whole clip.' },
    part: { type: 'integer', minimum: 0 },
    parts: { type: 'integer', minimum: 1 },
    offset: { type: 'integer', minimum: 0 },
    partSha256: { type: 'string', pattern: '^[0-9a-f]{64}$' },
    data: { type: 'string', contentEncoding: 'base64' },
    gateway: { type: 'string' },
    ts: { type: 'string', format: 'date-time' },
  },
};

/** What each kind of topic carries, and the name of its definition in the schema. */
const TOPIC_KINDS: { definition: string; description: string; matches: (topic: string) => boolean }[] = [
  { definition: 'alarm', description: '{base}/alarms', matches: (t) => t === 'alarms' },
  { definition: 'telemetry', description: '{base}/telemetry', matches: (t) => t === 'telemetry' },
  { definition: 'cmdResult', description: '{base}/cmd-result', matches: (t) => t === 'cmd-result' },
  { definition: 'access', description: '{base}/events/access', matches: (t) => t === 'events/access' },
  { definition: 'event', description: '{base}/events/{category}', matches: (t) => t.startsWith('events/') },
];

const defName = (type: string) => `record:${type}`;

function recordDefinition(r: RecordType, ref: (name: string) => string): Record<string, unknown> {
  const fixed: Record<string, unknown> = { type: { const: r.type }, data: r.data };
  if (r.severities.length) fixed.severity = { enum: r.severities };
  return {
    description: `${r.description} Topic: ${r.topics.join(', ')}.`,
    allOf: [{ $ref: ref('envelope') }, { properties: fixed }],
  };
}

/** Plain JSON: TypeBox's schemas carry symbols that no document should. */
const plain = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

export function uplinkSchema(records: readonly RecordType[] = RECORD_TYPES): Record<string, unknown> {
  const ref = (name: string) => `#/definitions/${name}`;
  const definitions: Record<string, unknown> = { severity, envelope, state, command, clipPart };
  for (const k of TOPIC_KINDS) {
    const types = records.filter((r) => r.topics.some(k.matches));
    definitions[k.definition] = {
      description: `${k.description}: ${types.map((r) => r.type).join(', ')}.`,
      oneOf: types.map((r) => ({ $ref: ref(defName(r.type)) })),
    };
  }
  for (const r of records) definitions[defName(r.type)] = recordDefinition(r, ref);
  return plain({
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: 'https://campus-edge.local/schema/uplink.schema.json',
    title: 'campus-edge uplink payloads',
    description:
      'Payloads a gateway publishes under campus/{district}/{school}/{gateway}/ and accepts on cmd/{name}. Every published record is an envelope; NOC consumers de-duplicate by id and detect gaps by seq (per gateway, strictly increasing in each lane). Generated from the record catalogue: do not edit.',
    definitions,
  });
}

/** The AsyncAPI 3.0 document: one channel per topic, one message per record type. */
export function asyncApi(version: string, records: readonly RecordType[] = RECORD_TYPES): Record<string, unknown> {
  const ref = (name: string) => `#/components/schemas/${name}`;
  const base = 'campus/{district}/{school}/{gateway}';
  const parameters = {
    district: { description: 'District id.' },
    school: { description: 'School id.' },
    gateway: { description: 'Gateway id.' },
  };
  const topics = [...new Set(records.flatMap((r) => r.topics))].sort();
  const channelId = (topic: string) => topic.replace(/\//g, '-');
  const channels: Record<string, unknown> = {};
  const operations: Record<string, unknown> = {};
  for (const topic of topics) {
    const id = channelId(topic);
    channels[id] = {
      address: `${base}/${topic}`,
      parameters,
      messages: Object.fromEntries(
        records
          .filter((r) => r.topics.includes(topic))
          .map((r) => [r.type, { $ref: `#/components/messages/${r.type}` }]),
      ),
    };
    operations[`publish-${id}`] = { action: 'send', channel: { $ref: `#/channels/${id}` } };
  }
  channels.state = {
    address: `${base}/state`,
    parameters,
    messages: { state: { $ref: '#/components/messages/state' } },
  };
  operations['publish-state'] = { action: 'send', channel: { $ref: '#/channels/state' } };
  channels.command = {
    address: `${base}/cmd/{name}`,
    parameters: { ...parameters, name: { description: 'The command name, e.g. gate.open.' } },
    messages: { command: { $ref: '#/components/messages/command' } },
  };
  operations['receive-command'] = { action: 'receive', channel: { $ref: '#/channels/command' } };
  channels['media-clips'] = {
    address: `${base}/media/clips`,
    parameters,
    messages: { clipPart: { $ref: '#/components/messages/clipPart' } },
  };
  operations['publish-media-clips'] = { action: 'send', channel: { $ref: '#/channels/media-clips' } };
  const messages: Record<string, unknown> = {
    state: { name: 'state', payload: { $ref: ref('state') } },
    command: { name: 'command', payload: { $ref: ref('command') } },
    clipPart: { name: 'clipPart', payload: { $ref: ref('clipPart') } },
  };
  const schemas: Record<string, unknown> = { severity, envelope, state, command, clipPart };
  for (const r of records) {
    messages[r.type] = { name: r.type, summary: r.description, payload: { $ref: ref(r.type) } };
    schemas[r.type] = recordDefinition(r, ref);
  }
  return plain({
    asyncapi: '3.0.0',
    info: {
      title: 'campus-edge gateway uplink',
      version,
      description:
        'What a school gateway publishes to the district broker (MQTT 3.1.1 or 5, QoS 1, at least once: de-duplicate by id, find gaps by seq) and the signed commands it takes.',
    },
    defaultContentType: 'application/json',
    channels,
    operations,
    components: {
      messages,
      schemas: JSON.parse(JSON.stringify(schemas).replaceAll('#/definitions/', '#/components/schemas/')),
    },
  });
}
