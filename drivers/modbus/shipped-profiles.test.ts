import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadProfile, shippedProfilesDir } from '../../controller/config/load-site.ts';
import type { ConfigIssue } from '../../controller/config/yaml-source.ts';
import { decodeReadings, planReads } from './register-codec.ts';

const profile = (name: string) => {
  const issues: ConfigIssue[] = [];
  const p = loadProfile(join(shippedProfilesDir, `${name}.yaml`), issues);
  assert.ok(p, `${name}: ${issues.map((i) => i.message).join('; ')}`);
  return p;
};

test('every shipped profile loads and names where its register map was published', () => {
  const names = readdirSync(shippedProfilesDir).map((f) => f.replace(/\.yaml$/, ''));
  assert.ok(names.length >= 14);
  for (const n of names) assert.ok(profile(n).source, `${n} names no source`);
});

/** Registers exactly as the manuals' worked examples give them, and what the manuals say they mean. */
const WORKED_EXAMPLES: {
  profile: string;
  registers: Record<number, number>;

  expect: Record<string, number>;
}[] = [
  { profile: 'jxct-th', registers: { 0: 0x0292, 1: 0xff9b }, expect: { humidity: 65.8, temperature: -10.1 } },
  { profile: 'jxct-lux', registers: { 7: 0x0002, 8: 0x06f6 }, expect: { illuminance: 132854 } },
  { profile: 'jxct-co', registers: { 6: 0x00bd }, expect: { co_ppm: 18.9 } },
  {
    profile: 'jxct-o3',
    registers: { 0: 0x0292, 1: 0xff9b, 6: 189 },
    expect: { humidity: 65.8, temperature: -10.1, o3_ppm: 1.89 },
  },
  {
    profile: 'jxct-nh3',
    registers: { 0: 0x0292, 1: 0xff9b, 6: 0x00bd },
    expect: { humidity: 65.8, temperature: -10.1, nh3_ppm: 18.9 },
  },
  { profile: 'xy-md02', registers: { 1: 0xff33, 2: 0x0222 }, expect: { temperature: -20.5, humidity: 54.6 } },
  {
    profile: 'jxct-air',
    registers: { 0: 500, 1: 215, 4: 35, 5: 820, 6: 250, 9: 60 },
    expect: { humidity: 50, temperature: 21.5, pm25: 35, co2: 820, tvoc_ppb: 250, pm10: 60 },
  },
  { profile: 'taidacent-noise', registers: { 0: 553 }, expect: { noise: 55.3 } },
];

test("the manuals' worked examples decode to the values the manuals state", () => {
  for (const ex of WORKED_EXAMPLES) {
    const blocks = planReads(profile(ex.profile).points);
    const data = blocks.map((b) => Array.from({ length: b.count }, (_, i) => ex.registers[b.start + i] ?? 0));
    const got = Object.fromEntries(
      decodeReadings(blocks, data).map((r) => [r.point, r.quality === 'good' ? r.value : r.reason]),
    );
    assert.deepEqual(got, ex.expect, ex.profile);
  }
});
