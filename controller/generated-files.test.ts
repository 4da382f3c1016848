import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { appPath } from '../app-files.ts';
import { schemaFiles } from './schema-files.ts';

test('the JSON Schema files are the ones the TypeBox definitions give (npm run generate writes them)', () => {
  for (const [name, text] of Object.entries(schemaFiles())) {
    const onDisk = readFileSync(appPath('firmware-configs/schema', name), 'utf8');
    assert.ok(onDisk === text, `firmware-configs/schema/${name} is stale: run npm run generate`);
  }
});
