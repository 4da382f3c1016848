/** Writes the JSON Schema files for editors and installers from the TypeBox definitions (npm run generate). */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { schemaFiles } from '../controller/config/schema-files.ts';

for (const [name, text] of Object.entries(schemaFiles())) {
  writeFileSync(join('firmware-configs/schema', name), text);
  console.log(`wrote firmware-configs/schema/${name}`);
}
