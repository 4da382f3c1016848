import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ServerTransactions } from './server-transactions.ts';
import type { SipRequest } from './sip-message.ts';

const req = (branch: string, cseq = '20 MESSAGE'): SipRequest => ({
  kind: 'request',
  method: 'MESSAGE',
  uri: 'sip:34020000002090000001@3402000000',
  headers: [
    ['via', `SIP/2.0/UDP 10.0.0.1:5060;branch=${branch}`],
    ['call-id', 'c1'],
    ['cseq', cseq],
  ],
  body: Buffer.alloc(0),
});

test('a repeated request gets the last answer again; a new branch or CSeq is a new request', () => {
  const s = new ServerTransactions();
  assert.equal(s.repeat(req('z9hG4bKa'), 0), undefined);
  // Still being handled: the repeat is absorbed.
  assert.equal(s.repeat(req('z9hG4bKa'), 100), null);
  s.answered(req('z9hG4bKa'), Buffer.from('100'));
  s.answered(req('z9hG4bKa'), Buffer.from('200'));
  assert.equal(s.repeat(req('z9hG4bKa'), 200)?.toString(), '200');
  assert.equal(s.repeat(req('z9hG4bKb'), 300), undefined);
  assert.equal(s.repeat(req('z9hG4bKa', '21 MESSAGE'), 300), undefined);
});

test('answers are forgotten after 32 s, and never more than 4096 are kept', () => {
  const s = new ServerTransactions();
  s.repeat(req('z9hG4bKa'), 0);
  s.answered(req('z9hG4bKa'), Buffer.from('200'));
  assert.equal(s.repeat(req('z9hG4bKa'), 32_001), undefined);
  const many = new ServerTransactions();
  for (let i = 0; i < 5000; i++) many.repeat(req(`z9hG4bK${i}`), 1);
  assert.equal(many.repeat(req('z9hG4bK0'), 2), undefined, 'the oldest went first');
  assert.equal(many.repeat(req('z9hG4bK4999'), 2), null);
});
