/**
 * The console's record types, printed as TypeScript from the catalogue's
 * schemas (ui/src/record-types.ts, written by npm run generate), so a page
 * that names a record type or reads its data is checked against the contract.
 */
import type { RecordType } from '../../core/records.ts';
import { RECORD_TYPES } from '../../record-catalogue.ts';

type Schema = Record<string, unknown>;

function print(s: Schema, indent: string): string {
  if ('const' in s) return JSON.stringify(s.const);
  if (Array.isArray(s.enum)) return s.enum.map((v) => JSON.stringify(v)).join(' | ');
  if (Array.isArray(s.anyOf)) return (s.anyOf as Schema[]).map((x) => print(x, indent)).join(' | ');
  switch (s.type) {
    case 'string':
      return 'string';
    case 'number':
    case 'integer':
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'null':
      return 'null';
    case 'array': {
      const item = print(s.items as Schema, indent);
      return /[ |]/.test(item) ? `(${item})[]` : `${item}[]`;
    }
    case 'object': {
      const props = Object.entries((s.properties ?? {}) as Record<string, Schema>);
      const required = new Set((s.required ?? []) as string[]);
      const inner = `${indent}  `;
      const lines = props.map(
        ([k, v]) => `${inner}${JSON.stringify(k)}${required.has(k) ? '' : '?'}: ${print(v, inner)};`,
      );
      // Data may grow fields: consumers read those they know.
      if (s.additionalProperties !== false) lines.push(`${inner}[field: string]: unknown;`);
      return lines.length ? `{\n${lines.join('\n')}\n${indent}}` : 'Record<string, never>';
    }
    default:
      return 'unknown';
  }
}

export function recordTypeScript(records: readonly RecordType[] = RECORD_TYPES): string {
  const plain = (r: RecordType) => JSON.parse(JSON.stringify(r.data)) as Schema;
  return [
    '// Generated from controller/record-catalogue.ts by npm run generate: do not edit.',
    '',
    '/** Every record type the gateway emits. */',
    `export type RecordTypeName =\n${records.map((r) => `  | ${JSON.stringify(r.type)}`).join('\n')};`,
    '',
    '/** The data of each record type. */',
    'export interface RecordDataOf {',
    ...records.map((r) => `  ${JSON.stringify(r.type)}: ${print(plain(r), '  ')};`),
    '}',
    '',
  ].join('\n');
}
