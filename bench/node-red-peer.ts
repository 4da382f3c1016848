/**
 * Node-RED as the peer the benchmarks compare with: Node-RED 4 and
 * node-red-contrib-modbus from npm, installed under bench/peers apart from
 * the product's dependencies, run as its own process with a given flow.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, waitFor } from '../hil-tests/lib/ports.ts';

const peers = fileURLToPath(new URL('./peers', import.meta.url));
const redJs = join(peers, 'node_modules/node-red/red.js');

/** Installs the peers from their lockfile the first time a benchmark needs them. */
export function ensurePeers(): void {
  if (existsSync(redJs)) return;
  console.log('installing Node-RED and node-red-contrib-modbus into bench/peers (once)...');
  execFileSync('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: peers, stdio: 'inherit' });
}

export type Flow = Record<string, unknown>[];

export class NodeRed {
  private proc: ChildProcess | null = null;
  private port = 0;
  output = '';

  constructor(private readonly dir: string) {}

  async start(flow: Flow): Promise<void> {
    ensurePeers();
    this.port = await freePort();
    mkdirSync(this.dir, { recursive: true });
    writeFileSync(join(this.dir, 'flows.json'), JSON.stringify(flow));
    writeFileSync(
      join(this.dir, 'settings.js'),
      `module.exports = ${JSON.stringify({
        uiHost: '127.0.0.1',
        uiPort: this.port,
        flowFile: 'flows.json',
        credentialSecret: false,
        logging: { console: { level: 'warn', metrics: false, audit: false } },
        editorTheme: { tours: false },
      })};\n`,
    );
    const proc = spawn(process.execPath, [redJs, '--userDir', this.dir, '--settings', join(this.dir, 'settings.js')], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    proc.stdout!.on('data', (d) => {
      this.output += d;
    });
    proc.stderr!.on('data', (d) => {
      this.output += d;
    });
    this.proc = proc;
    await waitFor(
      'Node-RED to start its flows',
      () => {
        if (proc.exitCode !== null) throw new Error(`Node-RED exited ${proc.exitCode}: ${this.output}`);
        return fetch(`http://127.0.0.1:${this.port}/flows/state`).then(
          (r) => r.ok,
          () => false,
        );
      },
      60_000,
      200,
    );
  }

  get pid(): number | undefined {
    return this.proc?.pid;
  }

  /** Presses an inject node's button, with its payload given here. */
  async inject(nodeId: string, payload: unknown): Promise<void> {
    const res = await fetch(`http://127.0.0.1:${this.port}/inject/${nodeId}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ __user_inject_props__: [{ p: 'payload', v: JSON.stringify(payload), vt: 'json' }] }),
    });
    if (!res.ok) throw new Error(`inject ${nodeId}: HTTP ${res.status} ${await res.text()}`);
  }

  async stop(): Promise<void> {
    const proc = this.proc;
    this.proc = null;
    if (!proc || proc.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      proc.once('exit', () => resolve());
      proc.kill('SIGTERM');
    });
  }
}
