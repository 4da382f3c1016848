import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodePtzCmd, encodePtzCmd, PtzCommandError } from './ptz-command.ts';

test('commands as platforms send them: right, up-left with zoom, stop, presets', () => {
  // Address 1, version 0: A5 0F 01, then instruction, speeds and the sum.
  assert.deepEqual(decodePtzCmd('A50F0101FF0000B5'), { kind: 'move', pan: 1, tilt: 0, zoom: 0 });
  assert.deepEqual(decodePtzCmd('a50f0100000000b5'), { kind: 'stop' });
  const upLeftIn = decodePtzCmd(encodePtzCmd(0x1a, 0x80, 0x40, 0x0f));
  assert.equal(upLeftIn.kind, 'move');
  const m = upLeftIn as { pan: number; tilt: number; zoom: number };
  assert.ok(m.pan < -0.5 && m.pan > -0.51, String(m.pan));
  assert.ok(m.tilt > 0.25 && m.tilt < 0.26, String(m.tilt));
  assert.equal(m.zoom, 1);
  assert.deepEqual(decodePtzCmd(encodePtzCmd(0x24, 0, 0xff, 8)), { kind: 'move', pan: 0, tilt: -1, zoom: -8 / 15 });
  assert.deepEqual(decodePtzCmd(encodePtzCmd(0x82, 0, 3, 0)), { kind: 'preset', action: 'goto', preset: 3 });
  assert.deepEqual(decodePtzCmd(encodePtzCmd(0x81, 0, 9, 0)), { kind: 'preset', action: 'set', preset: 9 });
  assert.deepEqual(decodePtzCmd(encodePtzCmd(0x48, 0, 0, 0)), { kind: 'unsupported', instruction: 0x48 });
});

test('a command with a wrong start, check nibble, checksum or length is refused', () => {
  const good = encodePtzCmd(0x01, 0x20, 0, 0);
  const flip = (i: number) => good.slice(0, i) + (good[i] === '0' ? '1' : '0') + good.slice(i + 1);
  for (const bad of ['', 'A50F', `${good}00`, 'ZZ0F0101FF0000B4', `B5${good.slice(2)}`, flip(3), flip(15), flip(9)])
    assert.throws(() => decodePtzCmd(bad), PtzCommandError, bad);
});
