import { Ajv } from 'ajv';

/** A command from the district, as published on `{base}/cmd/{name}`. */
export interface DownlinkCommand {
  id: string;
  name: string;
  args: Record<string, unknown>;
  /** The fingerprint of the district key that signed it; absent for an unsigned lab command. */
  keyId?: string;
}

/** A command's body once its signature is checked (or as a lab sends it unsigned). */
export const commandBodySchema = {
  type: 'object',
  required: ['id'],
  additionalProperties: false,
  properties: {
    id: { type: 'string', minLength: 1, maxLength: 128 },
    ts: { type: 'string' },
    args: { type: 'object' },
  },
};

const ajv = new Ajv({ allErrors: true });
const validate = ajv.compile(commandBodySchema);

export type ParseResult = { ok: true; command: DownlinkCommand } | { ok: false; id: string | null; error: string };

/** The command a topic names (`{base}/cmd/{name}`), or null. */
export function commandName(topic: string, base: string): string | null {
  const prefix = `${base}/cmd/`;
  const name = topic.startsWith(prefix) ? topic.slice(prefix.length) : '';
  return name && !name.includes('/') ? name : null;
}

/** Parses an unsigned downlink message (a lab without a command key); never throws, whatever the bytes. */
export function parseDownlink(topic: string, base: string, payload: Buffer): ParseResult {
  const name = commandName(topic, base);
  if (!name) return { ok: false, id: null, error: `not a command topic: ${topic}` };
  let body: unknown;
  try {
    body = JSON.parse(payload.toString('utf8'));
  } catch {
    return { ok: false, id: null, error: 'payload is not JSON' };
  }
  const id = typeof (body as { id?: unknown })?.id === 'string' ? (body as { id: string }).id : null;
  if (!validate(body))
    return { ok: false, id, error: `invalid command: ${ajv.errorsText(validate.errors, { dataVar: 'command' })}` };
  const b = body as { id: string; args?: Record<string, unknown> };
  return { ok: true, command: { id: b.id, name, args: b.args ?? {} } };
}

/** Largest payload a command may have; most carry a few fields, a few carry bulk. */
const PAYLOAD_LIMITS: Record<string, number> = {
  'cardholders.sync': 16 * 1024 * 1024,
  // 4 MB of build, base64-encoded, in its envelope.
  'update.chunk': 6 * 1024 * 1024,
};
const DEFAULT_PAYLOAD_LIMIT = 64 * 1024;
const COMMAND_NAME = /^[a-z][a-z0-9-]{0,31}(\.[a-z0-9-]{1,32}){0,3}$/;

/**
 * What is checked before a downlink message is parsed at all: the topic names a command of a
 * sane shape, and the payload is no larger than that command takes. Null when it may be parsed;
 * otherwise the reason, short and free of the message's own bytes.
 */
export function screenDownlink(topic: string, base: string, payloadBytes: number): string | null {
  const prefix = `${base}/cmd/`;
  if (!topic.startsWith(prefix) || topic.length > prefix.length + 128) return 'not a command topic';
  const name = topic.slice(prefix.length);
  if (!COMMAND_NAME.test(name)) return 'not a command name';
  const limit = PAYLOAD_LIMITS[name] ?? DEFAULT_PAYLOAD_LIMIT;
  if (payloadBytes > limit) return `payload of ${payloadBytes} bytes is over the ${limit} that ${name} takes`;
  return null;
}
