import assert from 'node:assert/strict';
import { test } from 'node:test';
import { screenDownlink } from './downlink.ts';
import { RejectionBudget } from './rejection-budget.ts';

test('rejections are recorded up to the budget a minute, then counted by reason and summarised once', () => {
  const b = new RejectionBudget(3, 60_000);
  const admitted = Array.from({ length: 10 }, (_, i) => b.admit(1000 + i, i % 2 ? 'not JSON' : 'bad signature'));
  assert.deepEqual(admitted.filter(Boolean).length, 3);
  assert.deepEqual(b.takeSummary(), { total: 7, byReason: { 'not JSON': 4, 'bad signature': 3 } });
  assert.equal(b.takeSummary(), null, 'a summary is given once');
  assert.equal(b.admit(61_000, 'x'), true, 'a new minute, a new budget');
});

test('downlink messages are screened by topic and size before anything parses them', () => {
  const base = 'campus/d/s/gw';
  assert.equal(screenDownlink(`${base}/cmd/status`, base, 100), null);
  assert.equal(screenDownlink(`${base}/cmd/cardholders.sync`, base, 10 << 20), null, 'bulk commands take bulk');
  assert.match(screenDownlink(`${base}/cmd/status`, base, 65 * 1024)!, /over the 65536 that status takes/);
  assert.match(screenDownlink(`${base}/cmd/${'a'.repeat(200)}`, base, 10)!, /not a command topic/);
  for (const name of ['', 'UPPER', 'a/b', 'a..b', '.a', 'a b', '名字', 'a\u0000']) {
    assert.ok(screenDownlink(`${base}/cmd/${name}`, base, 10), `"${name}" is refused`);
  }
  assert.match(screenDownlink('campus/other/cmd/status', base, 10)!, /not a command topic/);
});
