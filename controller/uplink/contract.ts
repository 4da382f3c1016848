import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { readFileSync } from 'node:fs';
import { appPath } from '../app-files.ts';

const schema = JSON.parse(readFileSync(appPath('controller/uplink/contract/uplink.schema.json'), 'utf8'));
const ajv = new Ajv({ allErrors: true, strict: false });
(addFormats as unknown as (a: Ajv) => void)(ajv);
ajv.addSchema(schema);

const validator = (name: string): ValidateFunction => ajv.getSchema(`${schema.$id}#/definitions/${name}`)!;

/** Which contract definition a topic's payload must satisfy. */
export function definitionFor(subtopic: string): string {
  if (subtopic === 'state') return 'state';
  if (subtopic === 'alarms') return 'alarm';
  if (subtopic === 'telemetry') return 'telemetry';
  if (subtopic === 'cmd-result') return 'cmdResult';
  if (subtopic.startsWith('cmd/')) return 'command';
  if (subtopic === 'events/access') return 'access';
  return 'event';
}

/** Checks one published payload against the contract; returns the problems, none if it conforms. */
export function contractProblems(subtopic: string, payload: unknown): string[] {
  const validate = validator(definitionFor(subtopic));
  return validate(payload) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}`);
}
