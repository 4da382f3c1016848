import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadProfile, shippedProfilesDir } from '../../controller/config/load-site.ts';
import type { DeviceProfile } from '../../controller/config/types.ts';
import { TimeoutError } from './bus-scheduler.ts';
import { LinkDownError } from './modbus-link.ts';
import { parseAddressList, scanAddresses } from './address-scan.ts';

const profiles = new Map<string, DeviceProfile>(
  ['renke-th', 'renke-co2', 'renke-pm'].map((id) => [id, loadProfile(join(shippedProfilesDir, `${id}.yaml`), [])!]),
);
const exception = () => Object.assign(new Error('Modbus exception 2: Illegal data address'), { modbusCode: 2 });

test('units are found by their answers, and the profile with the most fitting points comes first', async () => {
  const units = new Map<number, number[]>([
    [3, [555, 234]],
    [7, [450, 201, 650, 0, 12, 0, 0, 0, 0, 30]],
    [9, [1500, 3000]],
  ]);
  const asked: string[] = [];
  const read = async (unit: number, _fc: number, start: number, count: number) => {
    asked.push(`${unit}:${start}:${count}`);
    const regs = units.get(unit);
    if (!regs) throw new TimeoutError('Timed out');
    if (start + count > regs.length) throw exception();
    return regs.slice(start, start + count);
  };
  const hits = await scanAddresses(read, [1, 3, 7, 9], profiles);
  assert.deepEqual(
    hits.map((h) => [h.address, h.matches.map((m) => m.profile)]),
    [
      [3, ['renke-th']],
      [7, ['renke-co2', 'renke-th', 'renke-pm']], // ties keep the profiles' order
      // 150 %RH is no humidity: the unit answers, but no profile fits it.
      [9, []],
    ],
  );
  assert.deepEqual(
    hits[0]!.matches[0]!.readings.map((r) => [r.point, r.value]),
    [
      ['humidity', 55.5],
      ['temperature', 23.4],
    ],
  );
  assert.equal(asked.filter((a) => a === '3:0:2').length, 1, 'a read shared by two profiles is asked once');
});

test('a unit whose registers all read zero is not proposed a profile: zeros fit every range', async () => {
  const read = async (_unit: number, _fc: number, _start: number, count: number) => new Array<number>(count).fill(0);
  const [hit] = await scanAddresses(read, [5], profiles);
  assert.deepEqual(hit!.matches, []);
  assert.deepEqual(hit!.unconfirmed, ['renke-th', 'renke-co2', 'renke-pm']);
});

test('a port that cannot be opened stops the scan with its reason', async () => {
  await assert.rejects(
    scanAddresses(
      async () => {
        throw new LinkDownError('cannot open scan: No such file or directory');
      },
      [1],
      profiles,
    ),
    /cannot open/,
  );
});

test('address lists: ranges and single units within 1..247, with a clear error otherwise', () => {
  assert.deepEqual(parseAddressList('1-3, 7,3'), [1, 2, 3, 7]);
  assert.throws(() => parseAddressList('0-4'), /from 1 to 247/);
  assert.throws(() => parseAddressList('5-2'), /from 1 to 247/);
  assert.throws(() => parseAddressList('1-300'), /from 1 to 247/);
  assert.throws(() => parseAddressList('a'), /not an address or a range/);
});

test('models that share a register table are told apart by the line: the one made for the scanned baud rate comes first', async () => {
  const both = new Map<string, DeviceProfile>(
    ['jxct-th', 'renke-th'].map((id) => [id, loadProfile(join(shippedProfilesDir, `${id}.yaml`), [])!]),
  );
  const read = async (_u: number, _fc: number, start: number, count: number) => [555, 234].slice(start, start + count);
  const at = async (baud: number) =>
    (
      await scanAddresses(read, [1], both, { baud_rate: baud, data_bits: 8, parity: 'none', stop_bits: 1 })
    )[0]!.matches.map((m) => m.profile);
  assert.deepEqual(await at(4800), ['renke-th', 'jxct-th']);
  assert.deepEqual(await at(9600), ['jxct-th', 'renke-th']);
});
