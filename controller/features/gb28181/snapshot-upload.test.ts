import assert from 'node:assert/strict';
import { test } from 'node:test';
import { snapshotFileId, snapshotOrder, SnapshotOrderError } from './snapshot-upload.ts';

const ok = { SnapNum: '3', Interval: '2', UploadURL: 'http://10.61.0.10:8080/snap', SessionID: 'a1b2c3' };

test('a snapshot order within the limits, uploading to the platform itself', () => {
  const o = snapshotOrder(ok, '10.61.0.10');
  assert.equal(o.snapNum, 3);
  assert.equal(o.intervalS, 2);
  assert.equal(o.url.href, 'http://10.61.0.10:8080/snap');
  assert.equal(
    snapshotFileId('34020000001320000001', '2026-12-01T08:00:05', 2),
    '340200000013200000012026120108000502',
  );
});

test('orders the gateway will not carry out, each with its reason', () => {
  const cases: [Record<string, string>, RegExp][] = [
    [{ ...ok, SnapNum: '0' }, /SnapNum/],
    [{ ...ok, SnapNum: '11' }, /SnapNum/],
    [{ ...ok, Interval: '0.5' }, /Interval/],
    [{ ...ok, SessionID: 'a b' }, /SessionID/],
    [{ ...ok, UploadURL: 'not a url' }, /not a URL/],
    [{ ...ok, UploadURL: 'file:///etc/passwd' }, /HTTP/],
    [{ ...ok, UploadURL: 'http://192.168.1.1/admin' }, /platform's own host/],
    [{ ...ok, UploadURL: 'http://10.61.0.10.evil.example/snap' }, /platform's own host/],
  ];
  for (const [c, reason] of cases)
    assert.throws(
      () => snapshotOrder(c, '10.61.0.10'),
      (e: Error) => e instanceof SnapshotOrderError && reason.test(e.message),
    );
});
