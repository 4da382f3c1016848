/**
 * Files generated from the one definition of each thing, by their path in the
 * source tree: the site and profile JSON Schemas (from the TypeBox sections),
 * the uplink JSON Schema and the AsyncAPI document (from the record
 * catalogue) and the console's record types. `npm run generate` writes them; a unit test fails when one is stale.
 */
import { readFileSync } from 'node:fs';
import { appPath } from './app-files.ts';
import { jsonSchema } from './config/schema-kit.ts';
import { ProfileSchema, SiteSchema } from './config/site-schema.ts';
import { recordTypeScript } from './uplink/contract/record-typescript.ts';
import { asyncApi, uplinkSchema } from './uplink/contract/uplink-documents.ts';

const json = (v: unknown) => `${JSON.stringify(v, null, 2)}\n`;

export function generatedFiles(): Record<string, string> {
  const { version } = JSON.parse(readFileSync(appPath('package.json'), 'utf8')) as { version: string };
  return {
    'firmware-configs/schema/site.schema.json': json(jsonSchema(SiteSchema)),
    'firmware-configs/schema/profile.schema.json': json(jsonSchema(ProfileSchema)),
    'controller/uplink/contract/uplink.schema.json': json(uplinkSchema()),
    'controller/uplink/contract/asyncapi.json': json(asyncApi(version)),
    'ui/src/record-types.ts': recordTypeScript(),
  };
}
