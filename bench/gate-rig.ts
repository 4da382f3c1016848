/**
 * A turnstile on a Modbus TCP bus with one Wiegand reader, a controller driving it and a list of
 * cardholders who may pass at any time: the rig the card-to-relay benchmarks read cards on.
 */
import { performance } from 'node:perf_hooks';
import type { Controller } from '../controller/runtime.ts';
import { startController, writeSite } from '../hil-tests/lib/site-fixture.ts';
import { TcpSlaveSim } from '../hil-tests/sim/modbus-transports.ts';
import type { ModbusUnit } from '../hil-tests/sim/modbus-unit.ts';
import { TurnstileSim } from '../hil-tests/sim/turnstile-sim.ts';

export const FIRST_CARD = 100_000;

export async function startGateRig(
  dir: string,
  cardholders: number,
  site: Record<string, unknown>,
  busUnits: [number, ModbusUnit][] = [],
) {
  const turnstile = new TurnstileSim();
  turnstile.autoPass = false;
  const sim = new TcpSlaveSim(new Map<number, ModbusUnit>([[100, turnstile.unit], ...busUnits]));
  const port = await sim.listen(0);
  const { devices, ...rest } = site as { devices?: unknown[] };
  const c: Controller = await startController(
    await writeSite(dir, {
      ...rest,
      buses: [{ id: 'lan', type: 'modbus-tcp', host: '127.0.0.1', port }],
      devices: devices ?? [],
      access: {
        gates: [{ id: 'g', bus: 'lan', address: 100, pulse_ms: 200, poll_ms: 100 }],
        readers: [{ id: 'r', type: 'wiegand-serial', port: '/dev/null-bench', gate: 'g', direction: 'in' }],
      },
    }),
  );
  c.allowlist.apply({
    version: 1,
    full: true,
    groups: [{ id: 'all', name: 'all' }],
    schedules: [
      {
        id: 'always',
        name: 'always',
        onHolidays: true,
        intervals: [{ days: [1, 2, 3, 4, 5, 6, 7], from: '00:00', to: '24:00' }],
      },
    ],
    rules: [{ gateId: 'g', groupId: 'all', scheduleId: 'always' }],
    cardholders: Array.from({ length: cardholders }, (_, i) => ({
      id: `p${i}`,
      name: `p${i}`,
      kind: 'student' as const,
      class: null,
      card: String(FIRST_CARD + i),
      validFrom: null,
      validTo: null,
      enabled: true,
      groups: ['all'],
    })),
  });
  let coilAt = 0;
  const onCoil = turnstile.unit.onCoil!;
  turnstile.unit.onCoil = (addr, on) => {
    if (on) coilAt = performance.now();
    onCoil(addr, on);
  };
  return {
    c,
    /** Reads the i-th card at the gate; resolves with the time from the read to the coil write at the relay board. */
    async readCard(i: number): Promise<number> {
      coilAt = 0;
      const at = performance.now();
      c.access.onCard({ readerId: 'r', card: String(FIRST_CARD + (i % cardholders)), bits: '', format: 'w26', at });
      while (coilAt === 0) await new Promise((r) => setImmediate(r));
      return coilAt - at;
    },
    async stop(): Promise<void> {
      await c.stop();
      await sim.close();
    },
  };
}
