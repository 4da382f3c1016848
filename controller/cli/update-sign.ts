import { keyAlgorithm, signDistrict } from '../core/district-key.ts';
import { createHash, createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { UpdateManifest } from '../features/updates/update-manifest.ts';
import { elfArch } from './provision.ts';
import { UsageError } from './usage-error.ts';

export const updateSignUsage = `campus-edge update-sign --key DISTRICT.key --build FILE --version V [--url URL]
  For the district: signs a build and prints the arguments of the update.start command.`;

/** The district's side of an update: the manifest of a build, signed with the ed25519 private key. */
export function updateSign(args: string[]): number {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      key: { type: 'string' },
      build: { type: 'string' },
      version: { type: 'string' },
      url: { type: 'string' },
    },
  });
  if (!values.key || !values.build || !values.version)
    throw new UsageError('--key, --build and --version are required');
  const key = createPrivateKey(readFileSync(values.key));
  if (!keyAlgorithm(key)) throw new UsageError(`${values.key} is neither an ed25519 nor an SM2 private key`);
  const data = readFileSync(values.build);
  const manifest: UpdateManifest = {
    version: values.version,
    arch: elfArch(values.build),
    size: data.length,
    sha256: createHash('sha256').update(data).digest('hex'),
  };
  const text = JSON.stringify(manifest);
  console.log(
    JSON.stringify({
      manifest: text,
      signature: signDistrict(key, Buffer.from(text)).toString('base64'),
      ...(values.url ? { url: values.url } : {}),
    }),
  );
  return 0;
}
