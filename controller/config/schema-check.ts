import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { jsonSchema } from './schema-kit.ts';
import { ProfileSchema, SiteSchema } from './site-schema.ts';
import { type ConfigIssue, formatPath, type YamlSource } from './yaml-source.ts';

const ajv = new Ajv({ allErrors: true, useDefaults: true, strict: true, discriminator: true });

export const validateSite: ValidateFunction = ajv.compile(jsonSchema(SiteSchema));
export const validateProfile: ValidateFunction = ajv.compile(jsonSchema(ProfileSchema));

/** Turns an ajv path like `/devices/2/address` into YAML path segments. */
function segments(instancePath: string): (string | number)[] {
  return instancePath
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

function describe(e: ErrorObject): { path: (string | number)[]; key: boolean; message: string } {
  const path = segments(e.instancePath);
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'required':
      return { path, key: false, message: `missing required field "${p.missingProperty}"` };
    case 'additionalProperties':
      return {
        path: [...path, p.additionalProperty as string],
        key: true,
        message: `unknown field "${p.additionalProperty}"`,
      };
    case 'enum':
      return {
        path,
        key: false,
        message: `must be one of ${(p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`,
      };
    case 'const':
      return { path, key: false, message: `must be ${JSON.stringify(p.allowedValue)}` };
    case 'discriminator':
      return {
        path: [...path, p.tag as string],
        key: false,
        message: `unsupported ${p.tag} ${JSON.stringify(p.tagValue)}`,
      };
    default:
      return { path, key: false, message: e.message ?? e.keyword };
  }
}

/** Validates data parsed from `source`; returns located issues. */
export function schemaIssues(source: YamlSource, validate: ValidateFunction, data: unknown): ConfigIssue[] {
  if (validate(data)) return [];
  const seen = new Set<string>();
  const issues: ConfigIssue[] = [];
  for (const e of validate.errors ?? []) {
    const d = describe(e);
    const path = formatPath(d.path);
    if (seen.has(path + d.message)) continue;
    seen.add(path + d.message);
    issues.push({ file: source.file, ...source.locate(d.path, d.key), path, message: d.message });
  }
  return issues;
}
