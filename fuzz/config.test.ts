/**
 * Fuzzes the site file: a valid site with random cuts, insertions and swapped values must
 * load, or fail with issues that each name the file, a line and a field. Nothing may throw.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import fc from 'fast-check';
import { checkSite } from '../controller/config/load-site.ts';
import { formatIssue } from '../controller/config/yaml-source.ts';
import { tempDir } from '../hil-tests/lib/site-fixture.ts';
import { check } from './fuzz-runs.ts';

const t = tempDir('fuzz-config');
after(() => t.remove());
const example = readFileSync(new URL('../firmware-configs/sites/example-school.yaml', import.meta.url), 'utf8')
  // Without its certificates and keys the example fails on those alone; drop them so mutations are what is judged.
  .replace(/ {2}tls:\n(?: {4}.*\n)+/g, '')
  .replace('listen: 0.0.0.0', 'listen: 127.0.0.1')
  .replace(/\nupdate:\n(?: {2}.*\n)+/, '\n')
  .replace(/ {2}command_key: .*\n/, '  allow_unsigned_commands: true\n');

test('a mutated site file loads or is refused with located, named problems', async () => {
  const file = join(t.dir, 'site.yaml');
  writeFileSync(file, example);
  assert.deepEqual(checkSite(file).issues, [], 'the starting point is valid');
  const junk = fc.oneof(
    fc.string({ maxLength: 12 }),
    fc.constantFrom(
      ': ',
      '- ',
      '{',
      '}',
      '[',
      ']',
      '"',
      "'",
      '\t',
      '\n',
      '  ',
      '#',
      '&a',
      '*a',
      '!!binary',
      '~',
      '-1',
      '1e309',
      '0x10',
      'null',
      'true',
      '<<: *a',
    ),
  );
  const edit = fc.tuple(fc.nat(), fc.nat({ max: 30 }), junk);
  let refused = 0;
  await check('site file', fc.array(edit, { minLength: 1, maxLength: 4 }), ([...edits]) => {
    let text = example;
    for (const [at, cut, insert] of edits) {
      const i = at % text.length;
      text = text.slice(0, i) + insert + text.slice(i + cut);
    }
    writeFileSync(file, text);
    const { site, issues } = checkSite(file);
    if (site) return;
    refused++;
    assert.ok(issues.length > 0);
    for (const line of issues.map(formatIssue))
      assert.match(line, new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:\\d+:\\d+: \\S`), line);
  });
  console.log(`# fuzz site file: ${refused} of the mutated files refused, each with file:line:column`);
});
