/** Writes every generated file (controller/generated-files.ts): npm run generate. */
import { writeFileSync } from 'node:fs';
import { generatedFiles } from '../controller/generated-files.ts';

for (const [path, text] of Object.entries(generatedFiles())) {
  writeFileSync(path, text);
  console.log(`wrote ${path}`);
}
