/**
 * Builds the single-binary controller for linux-x64 and linux-arm64:
 *   npm run build:binary [-- --arch x64|arm64]
 * Output in dist/: campus-edge-linux-<arch>, SHA256SUMS and build-info.json.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { type AssetManifest, manifestAsset } from '../controller/app-files.ts';
import { bundleController } from './bundle.ts';
import { buildAddon } from './native-build.ts';
import { nodeDist } from './node-dist.ts';
import { injectBlob, seaBlob } from './sea.ts';
import { addons, type Arch, arches, NODE_VERSION, runner, stripTool } from './targets.ts';

const root = path.resolve(import.meta.dirname, '..');
const work = path.join(root, 'build');
const dist = path.join(root, 'dist');
/** The licence notices of the bundled dependencies, unpacked beside the other files. */
const NOTICES = 'THIRD-PARTY-NOTICES.txt';

/** Files the controller reads at run time, by their path in the source tree. */
function shippedFiles(): string[] {
  const walk = (dir: string): string[] =>
    readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((e) =>
      e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)],
    );
  return [
    'package.json',
    'controller/uplink/contract/uplink.schema.json',
    ...walk('firmware-configs/schema'),
    ...walk('firmware-configs/profiles'),
    ...walk('ui/dist'),
    ...walk('systemd'),
  ];
}

export interface BinaryInfo {
  arch: Arch;
  file: string;
  bytes: number;
  gzipBytes: number;
  sha256: string;
}

async function buildArch(arch: Arch, bundle: string, hostNode: string, files: string[]): Promise<BinaryInfo> {
  const nodeDir = nodeDist(arch, path.join(work, 'cache'));
  const archWork = path.join(work, arch);
  mkdirSync(archWork, { recursive: true });
  const assets: Record<string, string> = Object.fromEntries(files.map((f) => [f, path.join(root, f)]));
  assets[NOTICES] = `${bundle}.LEGAL.txt`;
  for (const a of addons) {
    assets[path.join(a.dir, a.file)] = await buildAddon({
      source: path.join(root, a.dir),
      arch,
      nodeDir,
      workDir: path.join(archWork, 'addons'),
      file: a.file,
    });
  }
  const hash = createHash('sha256').update(readFileSync(bundle));
  for (const key of Object.keys(assets).sort()) hash.update(key).update(readFileSync(assets[key]!));
  const version = (JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string }).version;
  const manifest: AssetManifest = {
    version,
    build: `${version}-${arch}-${hash.digest('hex').slice(0, 12)}`,
    files: Object.keys(assets).sort(),
  };
  const manifestFile = path.join(archWork, manifestAsset);
  writeFileSync(manifestFile, JSON.stringify(manifest));
  assets[manifestAsset] = manifestFile;

  const blob = seaBlob(hostNode, bundle, assets, archWork, 'campus-edge');
  const out = path.join(dist, `campus-edge-linux-${arch}`);
  await injectBlob(path.join(nodeDir, 'bin', 'node'), blob, out, stripTool[arch]);
  // The binary must at least start on its architecture before it is called a build.
  const [cmd, ...pre] = [...runner(arch), out];
  execFileSync(cmd!, [...pre, 'version'], { stdio: ['ignore', 'ignore', 'inherit'] });
  const data = readFileSync(out);
  return {
    arch,
    file: path.basename(out),
    bytes: data.length,
    gzipBytes: gzipSync(data, { level: 6 }).length,
    sha256: createHash('sha256').update(data).digest('hex'),
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { arch: { type: 'string', multiple: true } } });
  const wanted = (values.arch ?? arches) as Arch[];
  for (const a of wanted) if (!arches.includes(a)) throw new Error(`unknown arch "${a}"; known: ${arches.join(', ')}`);
  mkdirSync(dist, { recursive: true });
  mkdirSync(work, { recursive: true });
  const started = Date.now();
  execFileSync(process.execPath, ['ui/build.mjs'], { cwd: root, stdio: 'inherit' });
  const bundle = path.join(work, 'campus-edge.cjs');
  await bundleController(bundle);
  // Blobs are made by the target's Node version running here, which is the x64 one.
  const hostNode = path.join(nodeDist('x64', path.join(work, 'cache')), 'bin', 'node');
  const files = shippedFiles();
  const built = await Promise.all(wanted.map((arch) => buildArch(arch, bundle, hostNode, files)));
  writeFileSync(path.join(dist, 'SHA256SUMS'), built.map((b) => `${b.sha256}  ${b.file}\n`).join(''));
  writeFileSync(
    path.join(dist, 'build-info.json'),
    JSON.stringify({ node: NODE_VERSION, bundleBytes: statSync(bundle).size, binaries: built }, null, 2),
  );
  const mb = (n: number) => `${(n / 1e6).toFixed(1)} MB`;
  for (const b of built)
    console.log(`${b.file}: ${mb(b.bytes)} (${mb(b.gzipBytes)} gzipped), sha256 ${b.sha256.slice(0, 16)}…`);
  console.log(
    `node ${NODE_VERSION}, bundle ${mb(statSync(bundle).size)}, built in ${((Date.now() - started) / 1000).toFixed(0)} s`,
  );
}

await main();
