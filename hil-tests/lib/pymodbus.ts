import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';

const SERVER = join(import.meta.dirname, '..', 'sim', 'pymodbus-server.py');

export type Tables = Record<
  number,
  {
    hr?: Record<number, number>;
    ir?: Record<number, number>;
    co?: Record<number, number>;
    di?: Record<number, number>;
  }
>;

/** Starts pymodbus (hil-tests/sim/pymodbus-server.py) with these units; resolves once it listens. */
export async function pymodbus(
  transport: 'tcp' | 'rtu-tcp' | 'ascii',
  where: string,
  units: Tables,
): Promise<ChildProcess> {
  const proc = spawn('/usr/bin/python3', [SERVER, transport, where, JSON.stringify(units)], {
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  await new Promise<void>((resolve, reject) => {
    proc.stdout!.on('data', (d: Buffer) => d.toString().includes('ready') && resolve());
    proc.once('exit', (code) => reject(new Error(`pymodbus exited with ${code} (is python3-pymodbus installed?)`)));
  });
  return proc;
}
