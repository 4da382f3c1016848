import assert from 'node:assert/strict';
import { test } from 'node:test';
import { text } from '../core/message-catalog.ts';
import { validationMessage } from './validation-message.ts';

const say = (issue: Parameters<typeof validationMessage>[0], context = 'body') => {
  const m = validationMessage(issue, context);
  return [m.code, text(m.code, 'zh-CN', m.params), text(m.code, 'en', m.params)];
};

test('each kind of schema refusal names the field and reads in both languages', () => {
  assert.deepEqual(say({ keyword: 'required', instancePath: '', params: { missingProperty: 'direction' } }), [
    'invalid.required',
    '缺少 body.direction',
    'body.direction is required',
  ]);
  assert.deepEqual(say({ keyword: 'enum', instancePath: '/direction', params: { allowedValues: ['in', 'out'] } }), [
    'invalid.enum',
    'body.direction 只能是 in, out 之一',
    'body.direction must be one of in, out',
  ]);
  assert.deepEqual(
    say({ keyword: 'maxLength', instancePath: '/q', params: { limit: 200 } }, 'querystring')[2],
    'querystring.q must be at most 200 long',
  );
  assert.deepEqual(
    say({ keyword: 'maximum', instancePath: '/limit', params: { limit: 500 } }, 'querystring')[1],
    'querystring.limit 不能大于 500',
  );
  assert.equal(
    say({ keyword: 'additionalProperties', instancePath: '', params: { additionalProperty: 'x' } })[0],
    'invalid.unknown-field',
  );
  assert.equal(
    say({ keyword: 'pattern', instancePath: '/day', params: {} }, 'querystring')[1],
    'querystring.day 格式不正确',
  );
  assert.equal(
    say({ keyword: 'type', instancePath: '/cardholders/0/card', params: { type: 'string' } })[2],
    'body.cardholders.0.card must be a string',
  );
  // A keyword nobody listed still says what Ajv said, with the field.
  assert.equal(
    say({ keyword: 'uniqueItems', instancePath: '/ids', params: {}, message: 'must not have duplicate items' })[2],
    'body.ids: must not have duplicate items',
  );
});
