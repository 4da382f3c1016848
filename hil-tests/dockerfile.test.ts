import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { elfArch } from '../controller/cli/provision.ts';
import { binaryFor } from './lib/binaries.ts';

const repo = fileURLToPath(new URL('..', import.meta.url));

/** Dockerfile instructions, continuation lines joined and comments dropped. */
function instructions(text: string): { op: string; args: string }[] {
  return text
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => {
      const [op, ...rest] = l.split(/\s+/);
      return { op: op!.toUpperCase(), args: rest.join(' ') };
    });
}

/** Whether .dockerignore leaves a path in the build context (the last matching line wins). */
function inContext(ignore: string, path: string): boolean {
  let included = true;
  for (const line of ignore
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'))) {
    const negated = line.startsWith('!');
    const pattern = negated ? line.slice(1) : line;
    const re = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*')}(/.*)?$`);
    if (re.test(path)) included = negated;
  }
  return included;
}

test('Dockerfile.arm64 uses only what the build produces: the arm64 binary, in the build context', () => {
  binaryFor('arm64');
  const steps = instructions(readFileSync(join(repo, 'Dockerfile.arm64'), 'utf8'));
  const ignore = readFileSync(join(repo, '.dockerignore'), 'utf8');
  assert.match(steps.find((s) => s.op === 'FROM')!.args, /--platform=linux\/arm64 debian:bookworm-slim/);
  const copies = steps.filter((s) => s.op === 'COPY' || s.op === 'ADD');
  assert.ok(copies.length > 0);
  const destinations: string[] = [];
  for (const c of copies) {
    const parts = c.args.split(/\s+/).filter((p) => !p.startsWith('--'));
    const dest = parts.pop()!;
    destinations.push(dest);
    for (const src of parts) {
      assert.doesNotMatch(src, /^https?:/, 'nothing is fetched at build time');
      assert.ok(existsSync(join(repo, src)), `${src} is made by npm run build:binary`);
      assert.ok(inContext(ignore, src), `${src} is left in the build context by .dockerignore`);
      assert.equal(elfArch(join(repo, src)), 'arm64');
    }
  }
  const entry = JSON.parse(steps.find((s) => s.op === 'ENTRYPOINT')!.args) as string[];
  assert.ok(destinations.includes(entry[0]!), 'the entry point is the copied binary');
  assert.deepEqual(JSON.parse(steps.find((s) => s.op === 'CMD')!.args), [
    'run',
    '--config',
    '/etc/campus-edge/site.yaml',
  ]);
  assert.equal(steps.find((s) => s.op === 'USER')?.args, 'campus-edge', 'the controller does not run as root');
  assert.ok(
    !inContext(ignore, 'node_modules/better-sqlite3/package.json') && !inContext(ignore, 'data/campus-edge.db'),
    'the context is the binary alone',
  );
});
