/** JSON Schemas shared by routes; they also become the OpenAPI document. */
import { RECORD_TYPES } from '../record-catalogue.ts';

/** Any refusal: a schema validation error, or a command that did not succeed (ok: false). */
export const errorSchema = {
  type: 'object',
  properties: {
    ok: { type: 'boolean' },
    error: { type: 'string' },
    code: { type: 'string' },
    params: { type: 'object', additionalProperties: { type: ['string', 'number'] } },
  },
  required: ['error'],
} as const;

export const eventSchema = {
  type: 'object',
  properties: {
    seq: { type: 'integer' },
    id: { type: 'string' },
    ts: { type: 'integer' },
    lane: { type: 'integer' },
    topic: { type: 'string' },
    // The record types of the catalogue, so the OpenAPI document names them as the uplink contract does.
    type: { type: 'string', enum: RECORD_TYPES.map((r) => r.type) },
    source: { type: 'string' },
    severity: { type: ['string', 'null'] },
    data: { type: 'object', additionalProperties: true },
  },
} as const;

export const alarmSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    key: { type: 'string' },
    type: { type: 'string' },
    source: { type: 'string' },
    severity: { type: 'string' },
    message: { type: 'string' },
    data: { type: 'object', additionalProperties: true },
    active: { type: 'boolean' },
    raisedAt: { type: 'integer' },
    clearedAt: { type: ['integer', 'null'] },
    ackedAt: { type: ['integer', 'null'] },
    ackedBy: { type: ['string', 'null'] },
  },
} as const;

export const commandResultSchema = {
  type: 'object',
  properties: {
    ok: { type: 'boolean' },
    result: {},
    error: { type: 'string' },
    code: { type: 'string' },
    params: { type: 'object', additionalProperties: { type: ['string', 'number'] } },
  },
  required: ['ok'],
} as const;
