import { Ajv } from 'ajv';

/** A command from the district, as published on `{base}/cmd/{name}`. */
export interface DownlinkCommand {
  id: string;
  name: string;
  args: Record<string, unknown>;
}

const ajv = new Ajv({ allErrors: true });
const validate = ajv.compile({
  type: 'object',
  required: ['id'],
  additionalProperties: false,
  properties: {
    id: { type: 'string', minLength: 1, maxLength: 128 },
    ts: { type: 'string' },
    args: { type: 'object' },
  },
});

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
  if (!validate(body)) return { ok: false, id, error: `invalid command: ${ajv.errorsText(validate.errors, { dataVar: 'command' })}` };
  const b = body as { id: string; args?: Record<string, unknown> };
  return { ok: true, command: { id: b.id, name, args: b.args ?? {} } };
}
