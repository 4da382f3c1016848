import type { MessageKey, MessageParams } from '../core/message-catalog.ts';

/** One of Ajv's errors, as fastify hands them over. */
export interface AjvIssue {
  keyword: string;
  instancePath: string;
  params: Record<string, unknown>;
  message?: string;
}

const LIMITS: Record<string, MessageKey> = {
  maxLength: 'invalid.too-long',
  maxItems: 'invalid.too-long',
  minLength: 'invalid.too-short',
  minItems: 'invalid.too-short',
  maximum: 'invalid.too-big',
  exclusiveMaximum: 'invalid.too-big',
  minimum: 'invalid.too-small',
  exclusiveMinimum: 'invalid.too-small',
};

/**
 * A schema refusal as a message key and parameters, so that the console says it in its own
 * language: the field as the request spelled it (`body.direction`, `querystring.day`), and
 * what was wrong with it.
 */
export function validationMessage(issue: AjvIssue, context: string): { code: MessageKey; params: MessageParams } {
  const path = issue.instancePath.replace(/^\//, '').replace(/\//g, '.');
  const p = issue.params;
  const field = (name?: unknown) => [context, path, name].filter(Boolean).join('.');
  if (issue.keyword === 'required') return { code: 'invalid.required', params: { field: field(p.missingProperty) } };
  if (issue.keyword === 'additionalProperties')
    return { code: 'invalid.unknown-field', params: { field: field(p.additionalProperty) } };
  if (issue.keyword === 'enum')
    return {
      code: 'invalid.enum',
      params: { field: field(), allowed: ((p.allowedValues as unknown[]) ?? []).map(String).join(', ') },
    };
  if (issue.keyword === 'pattern' || issue.keyword === 'format')
    return { code: 'invalid.pattern', params: { field: field() } };
  if (issue.keyword === 'type') return { code: 'invalid.type', params: { field: field(), type: String(p.type) } };
  const limit = LIMITS[issue.keyword];
  if (limit) return { code: limit, params: { field: field(), limit: Number(p.limit) } };
  return { code: 'invalid.other', params: { field: field(), detail: issue.message ?? issue.keyword } };
}
