import { build } from 'esbuild';
import { readFileSync } from 'node:fs';

/**
 * The controller and every JavaScript dependency in one CommonJS file, the only form a
 * single executable application runs. The two native-addon loaders are swapped for shims
 * that load the addons unpacked from the binary.
 */
export async function bundleController(outFile: string): Promise<void> {
  await build({
    entryPoints: ['controller/cli/main.ts'],
    outfile: outFile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node22',
    minifyWhitespace: true,
    minifySyntax: true,
    // Notices go to their own file: one non-ASCII name in a licence comment would make V8 hold
    // the whole bundle as a two-byte string, twice the memory.
    legalComments: 'external',
    alias: {
      bindings: './packaging/shims/bindings.cjs',
      'node-gyp-build': './packaging/shims/node-gyp-build.cjs',
    },
    // import.meta only finds the source tree, which the binary never uses (see app-files.ts).
    logOverride: { 'empty-import-meta': 'silent' },
    logLevel: 'warning',
  });
  const nonAscii = /[\x80-\xff]/.exec(readFileSync(outFile, 'latin1'));
  if (nonAscii)
    throw new Error(`${outFile} has a non-ASCII byte at ${nonAscii.index}: V8 would keep it as a two-byte string`);
}
