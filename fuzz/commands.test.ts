/**
 * Fuzzes the command bus the district and the console share: every registered command with
 * random arguments, as a district command arriving over MQTT would carry them. Each must come
 * back as a result or a clear refusal; none may throw or leave a failed write behind.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import fc from 'fast-check';
import { loadSite } from '../controller/config/load-site.ts';
import { createLogger } from '../controller/core/logger.ts';
import { Controller } from '../controller/runtime.ts';
import { tempDir, writeSite } from '../hil-tests/lib/site-fixture.ts';
import { check, runs } from './fuzz-runs.ts';

const t = tempDir('fuzz-commands');
let controller: Controller;

before(async () => {
  const file = await writeSite(t.dir, { uplink: { url: 'mqtt://127.0.0.1:1' } });
  controller = new Controller(loadSite(file), createLogger('silent'));
});
after(() => {
  controller.db.close();
  t.remove();
});

test('every command answers random arguments with a result or a clear refusal', async () => {
  const names = controller.commands.names();
  assert.ok(names.length >= 20, names.join(', '));
  // Keys the commands use, so that some cases get past "unknown field".
  const keys = [
    'alarmId',
    'gateId',
    'direction',
    'mode',
    'zones',
    'text',
    'sound',
    'cameraId',
    'preset',
    'boardId',
    'kind',
    'version',
    'baseVersion',
    'cardholders',
    'username',
    'role',
    'password',
    'manifest',
    'signature',
    'url',
    'sha256',
    'offset',
    'data',
    'label',
    'note',
    'scheduleId',
    'buttonId',
    'reason',
  ];
  const value = fc.oneof(
    fc.string({ maxLength: 20 }),
    fc.integer(),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
    fc.jsonValue({ maxDepth: 2 }),
    fc.constant(Number.POSITIVE_INFINITY),
    fc.constant(Number.NaN),
  );
  const args = fc.dictionary(fc.oneof(fc.constantFrom(...keys), fc.string({ maxLength: 8 })), value, { maxKeys: 5 });
  const perCommand = Math.max(50, Math.round(runs / 10));
  let executed = 0;
  for (const name of names) {
    await check(
      `command ${name}`,
      args,
      async (a) => {
        const r = await controller.commands.execute({ name, args: a }, { kind: 'district', name: 'noc' }, 'fuzz');
        executed++;
        if (!r.ok) assert.ok(typeof r.error === 'string' && r.error.length > 0, `${name}: ${JSON.stringify(r)}`);
        // "failed: …" is an error the command did not expect; with no devices behind it, every refusal is a planned one.
        assert.doesNotMatch(r.ok ? '' : r.error!, /^failed: /, `${name} failed inside: ${r.error}`);
      },
      perCommand,
    );
  }
  console.log(`# fuzz commands: ${executed} executions over ${names.length} commands`);
});
