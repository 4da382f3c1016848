import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const script = fileURLToPath(new URL('./lib/discovery-in-netns.ts', import.meta.url));

test('WS-Discovery finds the simulated cameras, inside a network namespace of its own', () => {
  // Multicast stays on the namespace's loopback: the host's interfaces never see a probe.
  const res = spawnSync('unshare', ['-n', 'sh', '-c',
    `ip link set lo up multicast on && ip route add 224.0.0.0/4 dev lo && exec "${process.execPath}" --import tsx "${script}"`],
  { encoding: 'utf8', timeout: 60_000 });
  assert.equal(res.status, 0, `unshare -n needs root (or CAP_SYS_ADMIN): ${res.stderr}`);
  const out = JSON.parse(res.stdout.trim().split('\n').pop()!) as { found: { name: string; xaddrs: string[]; location: string; urn: string }[]; connected: string; probes: number };
  assert.deepEqual(out.found.map((f) => f.name).sort(), ['Playground', '南门 Gate']);
  assert.equal(out.found.find((f) => f.name === 'Playground')!.location, 'yard');
  assert.match(out.found[0]!.xaddrs[0]!, /^http:\/\/127\.0\.0\.1:\d+\/onvif\/device_service$/);
  assert.equal(out.connected, 'main', 'the discovered address leads to a working camera');
  assert.equal(out.probes, 1);
});
