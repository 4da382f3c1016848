/**
 * Runs inside a fresh network namespace (see ws-discovery.test.ts): two
 * simulated cameras answer a WS-Discovery probe on loopback, and the product's
 * discovery finds them, then connects to one by its discovered address.
 */
import onvif from 'onvif';
import { discoverCameras } from '../../drivers/video/discovery.ts';
import { startDiscoverableCameras } from './discoverable-cameras.ts';

const cameras = await startDiscoverableCameras();
const found = await discoverCameras(1500);
const first = found.find((f) => f.name === '南门 Gate');
const url = new URL(first!.xaddrs[0]!);
const cam = new (
  onvif as unknown as {
    Cam: new (o: object) => { connect(cb: (e: Error | null) => void): void; defaultProfile?: { $: { token: string } } };
  }
).Cam({
  hostname: url.hostname,
  port: Number(url.port),
  path: url.pathname,
  username: 'admin',
  password: 'pw-gate-123',
  autoconnect: false,
});
const connected = await new Promise<string>((resolve) =>
  cam.connect((e) => resolve(e ? `error ${e.message}` : cam.defaultProfile!.$.token)),
);
console.log(JSON.stringify({ found, connected, probes: cameras.responder.probes }));
await cameras.stop();
