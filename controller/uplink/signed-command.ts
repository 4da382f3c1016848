import type { KeyObject } from 'node:crypto';
import { signDistrict, verifyDistrict } from '../core/district-key.ts';
import { Ajv } from 'ajv';
import type { DownlinkCommand, ParseResult } from './downlink.ts';

/**
 * A command signed by the district. The payload is `{"signed": TEXT, "sig": BASE64}`: TEXT is the
 * command as JSON, exactly the bytes the ed25519 or SM2 signature covers, so no canonical form is needed.
 * It names the district, school and gateway it is for (gateway ids repeat across schools) and when
 * it was made, so that it cannot be replayed elsewhere or later.
 */
export interface Recipient {
  district: string;
  school: string;
  gateway: string;
}
export interface SignedCommand extends Recipient {
  id: string;
  name: string;
  ts: string;
  args: Record<string, unknown>;
}

/** A key the gateway trusts, known by its fingerprint. */
export interface TrustedKey {
  key: KeyObject;
  fingerprint: string;
}

const ajv = new Ajv({ allErrors: true });
const envelope = ajv.compile<{ signed: string; sig: string }>({
  type: 'object',
  required: ['signed', 'sig'],
  additionalProperties: false,
  properties: { signed: { type: 'string', maxLength: 8 << 20 }, sig: { type: 'string', maxLength: 200 } },
});
const inner = ajv.compile<SignedCommand>({
  type: 'object',
  required: ['id', 'name', 'district', 'school', 'gateway', 'ts', 'args'],
  additionalProperties: false,
  properties: {
    id: { type: 'string', minLength: 1, maxLength: 128 },
    name: { type: 'string', minLength: 1, maxLength: 64 },
    district: { type: 'string', minLength: 1, maxLength: 64 },
    school: { type: 'string', minLength: 1, maxLength: 64 },
    gateway: { type: 'string', minLength: 1, maxLength: 64 },
    ts: { type: 'string', maxLength: 40 },
    args: { type: 'object' },
  },
});

export interface SignedCheck {
  /** Every key the gateway trusts now (two during a roll-over). */
  keys: readonly TrustedKey[];
  to: Recipient;
  /** The command name from the topic, which the signed text must repeat. */
  name: string;
  now: number;
  maxAgeMs: number;
}

/** Verifies and opens a signed command; never throws, whatever the bytes. */
export function openSignedCommand(payload: Buffer, c: SignedCheck): ParseResult {
  let body: unknown;
  try {
    body = JSON.parse(payload.toString('utf8'));
  } catch {
    return { ok: false, id: null, error: 'payload is not JSON' };
  }
  if (!envelope(body))
    return {
      ok: false,
      id: null,
      error: 'unsigned command: this gateway takes only commands signed by the district ({"signed", "sig"})',
    };
  const sig = Buffer.from(body.sig, 'base64');
  const text = Buffer.from(body.signed, 'utf8');
  const by = c.keys.find((k) => verifyDistrict(k.key, text, sig));
  if (!by)
    return {
      ok: false,
      id: null,
      error: 'signature does not verify with any district command key this gateway trusts',
    };
  let cmd: unknown;
  try {
    cmd = JSON.parse(body.signed);
  } catch {
    return { ok: false, id: null, error: 'signed text is not JSON' };
  }
  if (!inner(cmd))
    return {
      ok: false,
      id: null,
      error: `invalid signed command: ${ajv.errorsText(inner.errors, { dataVar: 'command' })}`,
    };
  if (cmd.name !== c.name)
    return { ok: false, id: cmd.id, error: `signed for command "${cmd.name}", published as "${c.name}"` };
  for (const f of ['district', 'school', 'gateway'] as const) {
    if (cmd[f] !== c.to[f])
      return { ok: false, id: cmd.id, error: `signed for ${f} "${cmd[f]}", this is ${f} "${c.to[f]}"` };
  }
  const ts = Date.parse(cmd.ts);
  if (!Number.isFinite(ts) || Math.abs(c.now - ts) > c.maxAgeMs)
    return {
      ok: false,
      id: cmd.id,
      error: `signed at ${cmd.ts}: outside ${c.maxAgeMs / 1000} s of this gateway's clock`,
    };
  const command: DownlinkCommand = { id: cmd.id, name: cmd.name, args: cmd.args, keyId: by.fingerprint };
  return { ok: true, command };
}

/** The district's side: a command for one gateway, signed, as the payload to publish. */
export function signCommand(privateKey: KeyObject, cmd: Omit<SignedCommand, 'ts'> & { ts?: string }): string {
  const signed = JSON.stringify({
    id: cmd.id,
    name: cmd.name,
    district: cmd.district,
    school: cmd.school,
    gateway: cmd.gateway,
    ts: cmd.ts ?? new Date().toISOString(),
    args: cmd.args,
  });
  return JSON.stringify({ signed, sig: signDistrict(privateKey, Buffer.from(signed, 'utf8')).toString('base64') });
}
