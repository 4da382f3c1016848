/** Idle RSS of the controller as its own process (from source, or a built binary): console up, 6 simulated sensors polled every 2 s. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadSite } from '../controller/config/load-site.ts';
import { ControllerProcess, type ProcessOptions } from '../hil-tests/lib/controller-process.ts';
import { Mosquitto } from '../hil-tests/lib/mosquitto.ts';
import { tempDir, writeSite } from '../hil-tests/lib/site-fixture.ts';
import { startSchoolSims } from '../hil-tests/sim/school-sim.ts';

const rssMb = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;

export async function idleRss(settleMs: number, run: ProcessOptions = {}): Promise<{ rssMb: number; sensors: number }> {
  const t = tempDir('rss');
  const broker = new Mosquitto(join(t.dir, 'broker'));
  await broker.start();
  const sims = await startSchoolSims(t.dir, false);
  const file = await writeSite(join(t.dir, 'site'), {
    uplink: { url: broker.url },
    buses: [{ id: 'lan-gw', type: 'modbus-tcp', host: '127.0.0.1', port: sims.tcpPort }],
    devices: sims.sensors.map((s) => ({ id: s.id, bus: 'lan-gw', address: s.unit, profile: s.profile, room: s.room, poll_interval_s: 2 })),
  });
  const proc = new ControllerProcess(file, loadSite(file).config.console.port, { ...run, env: { ...run.env, CAMPUS_EDGE_RUNTIME_DIR: join(t.dir, 'runtime') } });
  try {
    await proc.start();
    await new Promise((r) => setTimeout(r, settleMs));
    return { rssMb: rssMb(proc.pid!), sensors: sims.sensors.length };
  } finally {
    await proc.kill('SIGTERM');
    await sims.stop();
    await broker.stop();
    t.remove();
  }
}
