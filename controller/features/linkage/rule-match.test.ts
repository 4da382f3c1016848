import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_RULES } from './default-rules.ts';
import { type AlarmFacts, type LinkageRule, ruleMatches, siteRules, within } from './rule-match.ts';

const at = (weekday: number, hhmm: string) => ({
  date: '2026-12-01',
  weekday,
  minutes: Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3)),
});
const facts = (f: Partial<AlarmFacts> = {}): AlarmFacts => ({
  type: 'camera.intrusion',
  source: 'cam-yard',
  severity: 'major',
  place: '操场',
  at: at(2, '21:30'),
  ...f,
});
const rule = (when: Partial<LinkageRule['when']>): LinkageRule => ({
  id: 'r',
  name: 'r',
  enabled: true,
  when: { kind: ['camera'], ...when },
  steps: [{ do: 'popup' }],
});

test('kind: the exact type or its first parts, never a longer word', () => {
  assert.ok(ruleMatches(rule({ kind: ['camera'] }), facts()));
  assert.ok(ruleMatches(rule({ kind: ['camera.intrusion'] }), facts()));
  assert.ok(!ruleMatches(rule({ kind: ['camera.intrusion'] }), facts({ type: 'camera.intrusion-ext' })));
  assert.ok(!ruleMatches(rule({ kind: ['cam'] }), facts()));
  assert.ok(ruleMatches(rule({ kind: ['fire', 'camera'] }), facts()), 'any of the kinds');
});

test('devices, places and the least severity', () => {
  assert.ok(ruleMatches(rule({ devices: ['cam-gate', 'cam-yard'] }), facts()));
  assert.ok(!ruleMatches(rule({ devices: ['cam-gate'] }), facts()));
  assert.ok(ruleMatches(rule({ places: ['操场'] }), facts()));
  assert.ok(!ruleMatches(rule({ places: ['操场'] }), facts({ place: null })), 'an alarm with no place is in none');
  assert.ok(ruleMatches(rule({ severity: 'major' }), facts({ severity: 'critical' })));
  assert.ok(!ruleMatches(rule({ severity: 'critical' }), facts()));
  assert.ok(!ruleMatches({ ...rule({}), enabled: false }, facts()), 'a rule turned off');
});

test('time windows in school time, across midnight into the next day', () => {
  const night = { days: [1, 2, 3, 4, 5], from: '18:00', to: '07:00' };
  assert.ok(within(at(2, '21:30'), night));
  assert.ok(within(at(3, '06:59'), night), "Tuesday night's window runs into Wednesday morning");
  assert.ok(!within(at(3, '07:00'), night), 'its end is not in it');
  assert.ok(within(at(6, '03:00'), night), "Friday night's window runs into Saturday");
  assert.ok(!within(at(1, '03:00'), night), "Sunday night is not in it, so Monday's early hours are not");
  assert.ok(!within(at(2, '12:00'), night));
  const day = { days: [1, 2, 3, 4, 5], from: '07:00', to: '18:00' };
  assert.ok(within(at(1, '07:00'), day) && !within(at(1, '18:00'), day) && !within(at(7, '12:00'), day));
  assert.ok(!ruleMatches(rule({ during: [day] }), facts()));
  assert.ok(ruleMatches(rule({ during: [day, night] }), facts()), 'any of the windows');
});

test("a site's rules: the defaults, each replaced by a site rule of its id, or none", () => {
  const mine: LinkageRule = { ...rule({ kind: ['emergency.button'] }), id: 'emergency-button', name: '我的' };
  const ids = (rs: LinkageRule[]) => rs.map((r) => r.id);
  assert.deepEqual(
    ids(siteRules({ defaults: true, rules: [] }, DEFAULT_RULES)),
    DEFAULT_RULES.map((r) => r.id),
  );
  const merged = siteRules({ defaults: true, rules: [mine] }, DEFAULT_RULES);
  assert.equal(merged.filter((r) => r.id === 'emergency-button').length, 1);
  assert.equal(merged.find((r) => r.id === 'emergency-button')!.name, '我的');
  assert.deepEqual(ids(siteRules({ defaults: false, rules: [mine] }, DEFAULT_RULES)), ['emergency-button']);
});

test('the shipped rules: a press and a fire set theirs off, an after-hours intrusion pops up', () => {
  const fired = (f: AlarmFacts) => DEFAULT_RULES.filter((r) => ruleMatches(r, f)).map((r) => r.id);
  assert.deepEqual(fired(facts({ type: 'emergency.button', severity: 'critical' })), ['emergency-button']);
  assert.deepEqual(fired(facts({ type: 'fire.linkage', severity: 'critical' })), ['fire']);
  assert.deepEqual(fired(facts()), ['intrusion']);
  assert.deepEqual(fired(facts({ type: 'camera.motion', severity: 'warning' })), []);
});
