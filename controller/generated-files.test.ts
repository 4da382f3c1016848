import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { appPath } from './app-files.ts';
import { generatedFiles } from './generated-files.ts';

test('the generated files are the ones their definitions give (npm run generate writes them)', () => {
  for (const [path, text] of Object.entries(generatedFiles())) {
    assert.ok(readFileSync(appPath(path), 'utf8') === text, `${path} is stale: run npm run generate`);
  }
});
