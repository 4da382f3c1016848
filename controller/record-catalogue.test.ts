import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { Pipeline } from './core/pipeline.ts';
import { RECORD_NAME } from './core/records.ts';
import { RECORD_TYPES } from './record-catalogue.ts';
import { openDatabase } from './store/database.ts';
import { tempDir } from '../hil-tests/lib/site-fixture.ts';

const root = new URL('..', import.meta.url).pathname;
const sources = (dir: string): string[] =>
  readdirSync(join(root, dir)).flatMap((n) => {
    const p = join(dir, n);
    if (statSync(join(root, p)).isDirectory()) return sources(p);
    return /\.ts$/.test(n) && !n.endsWith('.test.ts') ? [p] : [];
  });

test('every record type has one entry, a name by the rule, and topics of one lane', () => {
  const names = RECORD_TYPES.map((r) => r.type);
  assert.deepEqual(
    names.filter((n, i) => names.indexOf(n) !== i),
    [],
    'declared twice',
  );
  assert.deepEqual(
    names.filter((n) => !RECORD_NAME.test(n)),
    [],
    'names must be domain.event, lowercase, words joined by -',
  );
  for (const r of RECORD_TYPES) assert.ok(r.topics.length > 0 && r.description.length > 10, r.type);
});

test('every record type written in the code as a literal is in the catalogue', () => {
  const known = new Set(RECORD_TYPES.map((r) => r.type));
  const missing: string[] = [];
  let seen = 0;
  for (const file of [...sources('controller'), ...sources('drivers')]) {
    const lines = readFileSync(join(root, file), 'utf8').split('\n');
    lines.forEach((line, i) => {
      // An emitted record: `topic: '…'` with its `type: '…'` on the next few lines.
      if (!/\btopic: ['`(a-z]/.test(line) || /type: 'object'|schema/.test(line)) return;
      const near = lines.slice(i, i + 4).join(' ');
      for (const m of near.matchAll(/type: '([a-z][\w.-]*\.[\w.-]+)'/g))
        if (known.has(m[1]!)) seen++;
        else missing.push(`${file}:${i + 1} ${m[1]}`);
    });
  }
  assert.deepEqual(missing, []);
  assert.ok(seen >= 25, `only ${seen} literal record types found: the scan no longer matches the code`);
});

test('the pipeline reports a record of an unknown type once, and still stores it', async () => {
  const t = tempDir('catalogue');
  const db = openDatabase(join(t.dir, 'c.db'));
  try {
    const p = new Pipeline(db);
    p.knownTypes = new Set(['env.reading']);
    const reported: string[] = [];
    p.onError = (err, where) => void reported.push(`${where}: ${err.message}`);
    for (let i = 0; i < 3; i++) await p.ingest({ topic: 'events/x', type: 'made.up', source: 's', data: {} });
    await p.ingest({ topic: 'telemetry', type: 'env.reading', source: 's', data: {} });
    assert.deepEqual(reported, ['catalogue: record type "made.up" is not in the record catalogue']);
    assert.equal(p.log.lastSeq(), 4);
  } finally {
    db.close();
    t.remove();
  }
});
