/**
 * The GB/T 28181 front-end control command (PTZCmd, annex A.3): 8 bytes as 16 hex digits.
 * Byte 0 is A5h; byte 1 the version (high nibble) and a check of bytes 0-1 (low nibble);
 * byte 2 the address; byte 3 the instruction; bytes 4-6 the data (pan speed, tilt speed, zoom
 * speed in the high nibble of byte 6); byte 7 the sum of bytes 0-6 modulo 256. Pure.
 */

export type PtzMove =
  | { kind: 'move'; pan: number; tilt: number; zoom: number }
  | { kind: 'stop' }
  | { kind: 'preset'; action: 'set' | 'goto' | 'remove'; preset: number }
  | { kind: 'unsupported'; instruction: number };

export class PtzCommandError extends Error {}

/** Speeds as ONVIF takes them: -1 to 1, positive right, up and in. */
export function decodePtzCmd(hex: string): PtzMove {
  if (!/^[0-9A-Fa-f]{16}$/.test(hex)) throw new PtzCommandError('PTZCmd must be 16 hex digits');
  const b = Buffer.from(hex, 'hex');
  if (b[0] !== 0xa5) throw new PtzCommandError('PTZCmd must start with A5');
  const check = ((b[0]! >> 4) + (b[0]! & 0x0f) + (b[1]! >> 4)) % 16;
  if ((b[1]! & 0x0f) !== check) throw new PtzCommandError('PTZCmd check nibble does not match');
  const sum = b.subarray(0, 7).reduce((s, x) => s + x, 0) % 256;
  if (b[7] !== sum) throw new PtzCommandError('PTZCmd checksum does not match');
  const op = b[3]!;
  const [h, v, z] = [b[4]! / 255, b[5]! / 255, (b[6]! >> 4) / 15];
  if ((op & 0xc0) === 0) {
    // Bits 0-3: right, left, down, up; bits 4-5: zoom in, zoom out.
    if ((op & 0x3f) === 0) return { kind: 'stop' };
    const pan = op & 0x01 ? h : op & 0x02 ? -h : 0;
    const tilt = op & 0x08 ? v : op & 0x04 ? -v : 0;
    const zoom = op & 0x10 ? z : op & 0x20 ? -z : 0;
    return { kind: 'move', pan, tilt, zoom };
  }
  if (op === 0x81 || op === 0x82 || op === 0x83)
    return { kind: 'preset', action: op === 0x81 ? 'set' : op === 0x82 ? 'goto' : 'remove', preset: b[5]! };
  return { kind: 'unsupported', instruction: op };
}

/** The same command written, as a platform would send it (for tests and the simulator). */
export function encodePtzCmd(op: number, data1: number, data2: number, zoomSpeed: number, address = 1): string {
  const b = Buffer.from([
    0xa5,
    0,
    address & 0xff,
    op,
    data1,
    data2,
    ((zoomSpeed & 0x0f) << 4) | ((address >> 8) & 0x0f),
    0,
  ]);
  // Version 0; the check nibble is the sum of A5h's two nibbles and the version.
  b[1] = (0xa + 0x5 + 0) % 16;
  b[7] = b.subarray(0, 7).reduce((s, x) => s + x, 0) % 256;
  return b.toString('hex').toUpperCase();
}
