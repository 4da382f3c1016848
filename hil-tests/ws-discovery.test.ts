import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { runInNetworkNamespace } from './lib/discoverable-cameras.ts';

const script = fileURLToPath(new URL('./lib/discovery-in-netns.ts', import.meta.url));

test('WS-Discovery finds the simulated cameras, inside a network namespace of its own', () => {
  const out = runInNetworkNamespace<{
    found: { name: string; xaddrs: string[]; location: string; urn: string }[];
    connected: string;
    probes: number;
  }>(script);
  assert.deepEqual(out.found.map((f) => f.name).sort(), ['Playground', '南门 Gate']);
  assert.equal(out.found.find((f) => f.name === 'Playground')!.location, 'yard');
  assert.match(out.found[0]!.xaddrs[0]!, /^http:\/\/127\.0\.0\.1:\d+\/onvif\/device_service$/);
  assert.equal(out.connected, 'main', 'the discovered address leads to a working camera');
  assert.equal(out.probes, 1);
});
