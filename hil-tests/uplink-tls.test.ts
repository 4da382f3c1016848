import assert from 'node:assert/strict';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { Mosquitto } from './lib/mosquitto.ts';
import { NocSubscriber } from './lib/noc-subscriber.ts';
import { waitFor } from './lib/ports.ts';
import { startController, tempDir, topicRoot, writeSite } from './lib/site-fixture.ts';
import { makePki } from './lib/test-pki.ts';

const t = tempDir('tls');
const pkiDir = join(t.dir, 'pki');
mkdirSync(pkiDir);
const pki = makePki(pkiDir, ['gw-test', 'noc']);
const broker = new Mosquitto(join(t.dir, 'broker'), { ca: pki.ca, ...pki.server, requireCertificate: true });

before(() => broker.start());
after(async () => { await broker.stop(); t.remove(); });

test('the uplink connects over TLS with a client certificate and publishes', async () => {
  const noc = await new NocSubscriber(broker.url, `${topicRoot}/#`, {
    ca: readFileSync(pki.ca), cert: readFileSync(pki.clients.noc!.cert), key: readFileSync(pki.clients.noc!.key),
  }).connect();
  const c = await startController(await writeSite(join(t.dir, 'gw'), {
    uplink: { url: broker.url, reconnect_s: 0.3, tls: { ca: pki.ca, cert: pki.clients['gw-test']!.cert, key: pki.clients['gw-test']!.key } },
  }));
  try {
    await waitFor('the birth message over TLS', () => noc.messages.some((m) => m.topic === `${topicRoot}/state`));
    await waitFor('the start-up event over TLS', () => noc.envelopes('/events/system').some((e) => e.type === 'controller.started'));
    assert.equal(c.uplink.status.connected, true);
  } finally {
    await c.stop();
    await noc.close();
  }
});

test('without a client certificate the broker refuses the gateway, and nothing is marked delivered', async () => {
  const c = await startController(await writeSite(join(t.dir, 'nocert'), {
    uplink: { url: broker.url, reconnect_s: 0.3, tls: { ca: pki.ca } },
  }));
  try {
    await waitFor('a connection error', () => c.uplink.status.lastError !== null, 10_000);
    assert.equal(c.uplink.status.connected, false);
    assert.ok(c.pipeline.log.backlog()[1]!.count >= 1, 'the start-up event waits in the outbox');
  } finally {
    await c.stop();
  }
});
