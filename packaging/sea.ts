import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { inject } from 'postject';

/** Marks a Node binary as holding an application; Node's documented fuse for SEA. */
const SEA_FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';

/**
 * V8 is tuned for servers: 16 MB semi-spaces (30 MB or more resident) and heaps that grow
 * for speed. The controller's garbage is small and short-lived, so 1 MB semi-spaces and
 * V8's size-over-speed mode cost a little more collecting and save 20 MB or more on a gateway.
 */
const execArgv = ['--max-semi-space-size=1', '--optimize-for-size'];

/**
 * Prepares the SEA blob for a bundle and its assets. `node` must be exactly the Node version
 * the blob is injected into. Snapshot and code cache are off: both are tied to the host CPU
 * and would break the cross-built arm64 binary.
 */
export function seaBlob(
  node: string,
  main: string,
  assets: Record<string, string>,
  workDir: string,
  name: string,
): string {
  const config = path.join(workDir, `${name}.sea.json`);
  const output = path.join(workDir, `${name}.blob`);
  writeFileSync(
    config,
    JSON.stringify(
      { main, output, disableExperimentalSEAWarning: true, useSnapshot: false, useCodeCache: false, execArgv, assets },
      null,
      2,
    ),
  );
  execFileSync(node, ['--experimental-sea-config', config], { stdio: ['ignore', 'ignore', 'pipe'] });
  return output;
}

/** Copies the target's Node binary, strips its symbols and injects the blob. */
export async function injectBlob(nodeBinary: string, blob: string, out: string, strip: string): Promise<void> {
  copyFileSync(nodeBinary, out);
  chmodSync(out, 0o755);
  execFileSync(strip, ['--strip-all', out]);
  // postject's ELF library warns about every note section it does not know; keep that quiet unless it fails.
  const warn = console.warn;
  const warnings: unknown[] = [];
  console.warn = (...args: unknown[]) => {
    warnings.push(args.join(' '));
  };
  try {
    await inject(out, 'NODE_SEA_BLOB', readFileSync(blob), { sentinelFuse: SEA_FUSE });
  } catch (err) {
    throw new Error(`injecting the blob into ${out} failed: ${(err as Error).message}\n${warnings.join('\n')}`);
  } finally {
    console.warn = warn;
  }
}
