/**
 * Runs inside a fresh network namespace (see ws-discovery.test.ts): two
 * simulated cameras answer a WS-Discovery probe on loopback, and the product's
 * discovery finds them, then connects to one by its discovered address.
 */
import onvif from 'onvif';
import { discoverCameras } from '../../drivers/video/discovery.ts';
import { OnvifCameraSim } from '../sim/onvif-camera-sim.ts';
import { WsDiscoveryResponder } from '../sim/ws-discovery-responder.ts';

const sims = [new OnvifCameraSim('admin', 'pw-gate-123', 'SIM-A'), new OnvifCameraSim('admin', 'pw-yard-123', 'SIM-B')];
for (const s of sims) await s.start();
const responder = new WsDiscoveryResponder([
  { urn: 'urn:uuid:11111111-0000-4000-8000-000000000001', xaddr: `http://127.0.0.1:${sims[0]!.port}/onvif/device_service`, name: '南门 Gate', hardware: 'SC-2000', location: 'south gate' },
  { urn: 'urn:uuid:11111111-0000-4000-8000-000000000002', xaddr: `http://127.0.0.1:${sims[1]!.port}/onvif/device_service`, name: 'Playground', hardware: 'SC-2000', location: 'yard' },
]);
await responder.start();
const found = await discoverCameras(1500);
const first = found.find((f) => f.name === '南门 Gate');
const url = new URL(first!.xaddrs[0]!);
const cam = new (onvif as unknown as { Cam: new (o: object) => { connect(cb: (e: Error | null) => void): void; defaultProfile?: { $: { token: string } } } }).Cam(
  { hostname: url.hostname, port: Number(url.port), path: url.pathname, username: 'admin', password: 'pw-gate-123', autoconnect: false });
const connected = await new Promise<string>((resolve) => cam.connect((e) => resolve(e ? `error ${e.message}` : cam.defaultProfile!.$.token)));
console.log(JSON.stringify({ found, connected, probes: responder.probes }));
responder.stop();
for (const s of sims) await s.stop();
