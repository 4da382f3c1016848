import { jsonSchema } from './schema-kit.ts';
import { ProfileSchema, SiteSchema } from './site-schema.ts';

/** The generated JSON Schema files, by name, as written under firmware-configs/schema. */
export function schemaFiles(): Record<string, string> {
  const text = (s: typeof SiteSchema | typeof ProfileSchema) => `${JSON.stringify(jsonSchema(s), null, 2)}\n`;
  return { 'site.schema.json': text(SiteSchema), 'profile.schema.json': text(ProfileSchema) };
}
