/** The x64 single binary: its size, and how long it takes to start, from spawn to /api/health answering. */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadSite } from '../controller/config/load-site.ts';
import { binaryFor } from '../hil-tests/lib/binaries.ts';
import { ControllerProcess } from '../hil-tests/lib/controller-process.ts';
import { tempDir, writeSite } from '../hil-tests/lib/site-fixture.ts';
import { summary } from './stats.ts';

interface BuildInfo {
  node: string;
  binaries: { arch: string; bytes: number; gzipBytes: number }[];
}

export async function binaryStart(runs: number) {
  const info = JSON.parse(
    readFileSync(fileURLToPath(new URL('../dist/build-info.json', import.meta.url)), 'utf8'),
  ) as BuildInfo;
  const t = tempDir('binary-start');
  const command = binaryFor('x64');
  const env = { CAMPUS_EDGE_RUNTIME_DIR: join(t.dir, 'runtime') };
  try {
    const version: number[] = [];
    for (let i = 0; i < runs; i++) {
      const started = performance.now();
      execFileSync(command[0]!, [...command.slice(1), 'version'], { env: { ...process.env, ...env } });
      version.push(performance.now() - started);
    }
    const file = await writeSite(t.dir, { uplink: { url: 'mqtt://127.0.0.1:9', reconnect_s: 60 } });
    const port = loadSite(file).config.console.port;
    const health: number[] = [];
    for (let i = 0; i < runs; i++) {
      const proc = new ControllerProcess(file, port, { command, env });
      const started = performance.now();
      await proc.start();
      health.push(performance.now() - started);
      await proc.kill('SIGTERM');
    }
    return {
      node: info.node,
      sizes: info.binaries.map((b) => ({ arch: b.arch, mb: b.bytes / 1e6, gzipMb: b.gzipBytes / 1e6 })),
      // The first start unpacks the addons and the console; later ones find them.
      firstHealthMs: health[0]!,
      healthP50Ms: summary(health.slice(1)).p50,
      versionP50Ms: summary(version).p50,
    };
  } finally {
    t.remove();
  }
}
