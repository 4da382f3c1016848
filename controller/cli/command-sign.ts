import { keyAlgorithm } from '../core/district-key.ts';
import { createPrivateKey, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { signCommand } from '../uplink/signed-command.ts';
import { UsageError } from './usage-error.ts';

export const commandSignUsage = `campus-edge command-sign --key DISTRICT.key --district ID --school ID --gateway ID --name COMMAND [--args JSON] [--id ID]
  For the district: prints a signed command, for that one gateway of that school, to publish on {base}/cmd/COMMAND.`;

export function commandSign(args: string[]): number {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      key: { type: 'string' },
      district: { type: 'string' },
      school: { type: 'string' },
      gateway: { type: 'string' },
      name: { type: 'string' },
      args: { type: 'string', default: '{}' },
      id: { type: 'string' },
    },
  });
  if (!values.key || !values.district || !values.school || !values.gateway || !values.name)
    throw new UsageError('--key, --district, --school, --gateway and --name are required');
  const key = createPrivateKey(readFileSync(values.key));
  if (!keyAlgorithm(key)) throw new UsageError(`${values.key} is neither an ed25519 nor an SM2 private key`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(values.args);
  } catch {
    throw new UsageError('--args must be a JSON object');
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed))
    throw new UsageError('--args must be a JSON object');
  console.log(
    signCommand(key, {
      id: values.id ?? randomUUID(),
      name: values.name,
      district: values.district,
      school: values.school,
      gateway: values.gateway,
      args: parsed as Record<string, unknown>,
    }),
  );
  return 0;
}
