import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cardholderCsv, parseCardholderCsv } from './cardholder-csv.ts';

test('a console export imports back unchanged, Chinese names and commas included', () => {
  const list = [
    {
      id: 's1',
      name: '张三',
      kind: 'student' as const,
      class: '初一(1)班',
      card: '8066007',
      validFrom: null,
      validTo: '2027-07-31',
      enabled: true,
      groups: ['students', 'boarders'],
    },
    {
      id: 'v1',
      name: 'Smith, J.',
      kind: 'visitor' as const,
      class: null,
      card: '42',
      validFrom: '2026-11-23',
      validTo: '2026-11-23',
      enabled: false,
      groups: [],
    },
  ];
  const { cardholders, problems } = parseCardholderCsv(cardholderCsv(list));
  assert.deepEqual(problems, []);
  assert.deepEqual(cardholders, list);
});

test('every problem is reported with its line and field, and nothing is imported', () => {
  const csv =
    'id,name,kind,card,valid_to\ns1,张三,student,123,2027-07-31\ns2,,pupil,12x,31/07/2027\ns3,王五,staff,123,\n';
  const { cardholders, problems } = parseCardholderCsv(csv);
  assert.equal(cardholders.length, 0);
  assert.deepEqual(
    problems.map((p) => `${p.line}:${p.field}`),
    ['3:name', '3:kind', '3:card', '3:valid_to', '4:card'],
  );
  assert.match(problems[4]!.message, /same card as line 2/);
  assert.equal(parseCardholderCsv('id,name\n"unterminated').problems.length, 1);
});

test('cells that a spreadsheet would run as formulas are exported as text, and import back as they were', () => {
  const evil = ['=HYPERLINK("http://x","click")', '+1+1', '-2+3', '@SUM(A1)', '\t=1', '\r=1'];
  const list = evil.map((name, i) => ({
    id: `e${i}`,
    name,
    kind: 'student' as const,
    class: '=cmd|"/c calc"!A1',
    card: String(100 + i),
    validFrom: null,
    validTo: null,
    enabled: true,
    groups: [],
  }));
  const csv = cardholderCsv(list);
  for (const line of csv.split('\n').slice(1).filter(Boolean)) {
    for (const cell of line.split(/,(?=(?:[^"]*"[^"]*")*[^"]*$)/))
      assert.doesNotMatch(cell.replace(/^"/, ''), /^[=+\-@\t\r]/, `a cell starts a formula: ${cell}`);
  }
  const back = parseCardholderCsv(csv);
  assert.deepEqual(back.problems, []);
  assert.deepEqual(
    back.cardholders.map((c) => [c.name, c.class]),
    list.map((c) => [c.name, c.class]),
  );
});
