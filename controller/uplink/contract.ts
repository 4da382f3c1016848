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
  if (subtopic === 'media/clips') return 'clipPart';
  if (subtopic.startsWith('cmd/')) return 'command';
  if (subtopic === 'events/access') return 'access';
  return 'event';
}

const problems = (validate: ValidateFunction, payload: unknown): string[] =>
  validate(payload) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}`);

/**
 * Checks one published payload against the contract; returns the problems, none if it conforms.
 * A record is checked against its own type's definition, so the problems name what is wrong
 * with it rather than with every type the topic could carry.
 */
export function contractProblems(subtopic: string, payload: unknown): string[] {
  const topic = validator(definitionFor(subtopic));
  const type = (payload as { type?: unknown } | null)?.type;
  const own = typeof type === 'string' ? ajv.getSchema(`${schema.$id}#/definitions/record:${type}`) : undefined;
  if (!own) return problems(topic, payload);
  const mine = problems(own, payload);
  if (mine.length) return mine;
  return topic(payload) ? [] : [`/type ${type} is not carried on ${subtopic}`];
}
