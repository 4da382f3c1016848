import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { tempDir } from '../../hil-tests/lib/site-fixture.ts';
import { openDatabase } from '../store/database.ts';
import { CommandBus } from './commands.ts';
import { Pipeline } from './pipeline.ts';

test('the bus checks the permission a command declares against a console user’s role, and audits refusals', async () => {
  const t = tempDir('commands');
  const db = openDatabase(join(t.dir, 'c.db'));
  try {
    const bus = new CommandBus(db, new Pipeline(db));
    const opened: string[] = [];
    bus.register('gate.open', {
      permission: 'gate.operate',
      args: { required: ['gateId'], properties: { gateId: { type: 'string', maxLength: 64 } } },
      // Typed from the schema: gateId is a string here, with no cast.
      run: (args) => void opened.push(args.gateId.toUpperCase()),
    });
    const open = (actor: Parameters<CommandBus['execute']>[1]) =>
      bus.execute({ name: 'gate.open', args: { gateId: 'south' } }, actor);
    assert.equal((await open({ kind: 'user', name: 'guard1', role: 'guard' })).ok, true);
    const viewer = await open({ kind: 'user', name: 'v1', role: 'viewer' });
    assert.deepEqual(viewer, {
      ok: false,
      error: '"gate.open" needs the gate.operate permission',
      code: 'command.forbidden',
      params: { name: 'gate.open', permission: 'gate.operate' },
    });
    assert.equal((await open({ kind: 'user', name: 'nobody' })).ok, false, 'a user with no role may do nothing');
    assert.equal((await open({ kind: 'district', name: 'noc' })).ok, true, 'the district is checked by signature');
    assert.deepEqual(opened, ['SOUTH', 'SOUTH']);
    const audit = bus.recentAudit(10) as { ok: number }[];
    assert.equal(audit.filter((a) => a.ok === 0).length, 2, 'both refusals audited');
  } finally {
    db.close();
    t.remove();
  }
});
