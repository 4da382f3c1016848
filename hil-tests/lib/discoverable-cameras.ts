import { spawnSync } from 'node:child_process';
import { OnvifCameraSim } from '../sim/onvif-camera-sim.ts';
import { WsDiscoveryResponder } from '../sim/ws-discovery-responder.ts';

/** Two simulated cameras that answer WS-Discovery probes; only inside a network namespace of its own. */
export async function startDiscoverableCameras() {
  const cams = [
    new OnvifCameraSim('admin', 'pw-gate-123', 'SIM-A'),
    new OnvifCameraSim('admin', 'pw-yard-123', 'SIM-B'),
  ];
  for (const c of cams) await c.start();
  const responder = new WsDiscoveryResponder([
    {
      urn: 'urn:uuid:11111111-0000-4000-8000-000000000001',
      xaddr: `http://127.0.0.1:${cams[0]!.port}/onvif/device_service`,
      name: '南门 Gate',
      hardware: 'SC-2000',
      location: 'south gate',
    },
    {
      urn: 'urn:uuid:11111111-0000-4000-8000-000000000002',
      xaddr: `http://127.0.0.1:${cams[1]!.port}/onvif/device_service`,
      name: 'Playground',
      hardware: 'SC-2000',
      location: 'yard',
    },
  ]);
  await responder.start();
  return {
    cams,
    responder,
    async stop() {
      responder.stop();
      for (const c of cams) await c.stop();
    },
  };
}

/**
 * Runs a TypeScript script in a fresh network namespace whose loopback carries multicast, so
 * probes never reach the host's interfaces. Needs root (or CAP_SYS_ADMIN). Returns the JSON
 * the script prints last.
 */
export function runInNetworkNamespace<T>(script: string, args: string[] = [], timeoutMs = 60_000): T {
  const quoted = args.map((a) => `"${a}"`).join(' ');
  const res = spawnSync(
    'unshare',
    [
      '-n',
      'sh',
      '-c',
      `ip link set lo up multicast on && ip route add 224.0.0.0/4 dev lo && exec "${process.execPath}" --import tsx "${script}" ${quoted}`,
    ],
    { encoding: 'utf8', timeout: timeoutMs },
  );
  if (res.status !== 0)
    throw new Error(`${script} in a network namespace failed (unshare -n needs root): ${res.stderr}`);
  return JSON.parse(res.stdout.trim().split('\n').pop()!) as T;
}
