import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CatalogItem } from './manscdp-answers.ts';
import { catalogResponses } from './manscdp-answers.ts';
import { parseManscdp } from './manscdp.ts';

const GW = '34020000002090000001';
const item = (i: number): CatalogItem => ({
  DeviceID: `340200000013200000${String(i).padStart(2, '0')}`,
  Name: `教学楼${i}号摄像机`,
  Manufacturer: 'campus-edge',
  Model: 'IP camera',
  Owner: '340200',
  CivilCode: '340200',
  Address: '实验中学',
  Parental: 0,
  ParentID: GW,
  SafetyWay: 0,
  RegisterWay: 1,
  Secrecy: 0,
  Status: 'ON',
});

test('a catalog of 40 channels goes in several messages, each small enough, each with SumNum 40 and its own Num', () => {
  const items = Array.from({ length: 40 }, (_, i) => item(i));
  const parts = catalogResponses(items, 9, GW, 'GB2312');
  assert.ok(parts.length > 1, `${parts.length} messages`);
  let seen = 0;
  for (const p of parts) {
    assert.ok(p.length <= 3000, `${p.length} bytes`);
    const m = parseManscdp(p);
    assert.equal(m.sn, 9);
    assert.equal(m.fields.SumNum, '40');
    const list = m.fields.DeviceList as { '@Num': string; Item: { DeviceID: string; Name: string }[] };
    assert.equal(Number(list['@Num']), list.Item.length);
    assert.equal(list.Item[0]!.DeviceID, items[seen]!.DeviceID, 'in order, none lost or repeated');
    seen += list.Item.length;
  }
  assert.equal(seen, 40);
});

test('an empty catalog is one message saying 0', () => {
  const [only, ...rest] = catalogResponses([], 1, GW, 'UTF-8');
  assert.equal(rest.length, 0);
  assert.equal(parseManscdp(only!).fields.SumNum, '0');
});
