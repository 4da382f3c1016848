import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runner } from '../../packaging/targets.ts';

const dist = fileURLToPath(new URL('../../dist/', import.meta.url));

export const binaryPath = (arch: 'x64' | 'arm64') => join(dist, `campus-edge-linux-${arch}`);

/** The command that runs a built binary here: directly, or under qemu for arm64. */
export function binaryFor(arch: 'x64' | 'arm64'): string[] {
  if (!existsSync(binaryPath(arch)))
    throw new Error(`dist/campus-edge-linux-${arch} is missing: run npm run build:binary (npm test does)`);
  return [...runner(arch), binaryPath(arch)];
}
