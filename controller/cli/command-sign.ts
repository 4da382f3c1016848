import { createPrivateKey, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { signCommand } from '../uplink/signed-command.ts';
import { UsageError } from './usage-error.ts';

export const commandSignUsage = `campus-edge command-sign --key DISTRICT.key --gateway ID --name COMMAND [--args JSON] [--id ID]
  For the district: prints a signed command to publish on {base}/cmd/COMMAND.`;

export function commandSign(args: string[]): number {
  const { values } = parseArgs({ args, strict: true, options: { key: { type: 'string' }, gateway: { type: 'string' }, name: { type: 'string' }, args: { type: 'string', default: '{}' }, id: { type: 'string' } } });
  if (!values.key || !values.gateway || !values.name) throw new UsageError('--key, --gateway and --name are required');
  const key = createPrivateKey(readFileSync(values.key));
  if (key.asymmetricKeyType !== 'ed25519') throw new UsageError(`${values.key} is not an ed25519 private key`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(values.args);
  } catch {
    throw new UsageError('--args must be a JSON object');
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new UsageError('--args must be a JSON object');
  console.log(signCommand(key, { id: values.id ?? randomUUID(), name: values.name, gateway: values.gateway, args: parsed as Record<string, unknown> }));
  return 0;
}
