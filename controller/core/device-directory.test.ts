import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Capabilities, Driver } from '../../drivers/contract.ts';
import { DeviceDirectory } from './device-directory.ts';
import { InboundBus } from './inbound-bus.ts';

const driver = (devices: [string, Partial<Capabilities>][]): Driver => ({
  kind: 'fake',
  start: async () => {},
  stop: async () => {},
  devices: () => new Map(devices),
});

test('finds a capability by device id, whichever driver declared it', () => {
  const pulses: string[] = [];
  const gate = { pulse: async (d: 'in' | 'out') => void pulses.push(d), hold: async () => {} };
  const dir = new DeviceDirectory();
  dir.add(driver([['gate-1', { gate }]]));
  dir.add(
    driver([
      ['gate-1', { relay: { set: async () => {} } }],
      ['cam-1', {}],
    ]),
  );
  dir.get('gate-1', 'gate')?.pulse('in');
  assert.deepEqual(pulses, ['in']);
  assert.ok(dir.get('gate-1', 'relay'), 'a second driver adds to the same device');
  assert.equal(dir.get('cam-1', 'snapshot'), undefined);
  assert.equal(dir.get('nobody', 'gate'), undefined);
  assert.deepEqual(
    dir.all('gate').map(([id]) => id),
    ['gate-1'],
  );
});

test('inbound messages reach every handler of their channel and no other', () => {
  const bus = new InboundBus();
  const cards: string[] = [];
  bus.on('card', (r) => void cards.push(r.card));
  bus.on('card', (r) => void cards.push(`again ${r.card}`));
  bus.on('gateInputs', () => assert.fail('wrong channel'));
  bus.send('card', { readerId: 'r1', card: '42', bits: '26', format: 'h10301', at: 0 });
  bus.send('cameraEvent', {
    camera: 'c',
    event: {
      kind: 'motion',
      active: true,
      momentary: false,
      sourceKey: '',
      snapshot: false,
      topic: 't',
      utcTime: null,
    },
  });
  assert.deepEqual(cards, ['42', 'again 42']);
});
