import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import ModbusSerial from 'modbus-serial';
import type { ModbusRTU } from 'modbus-serial/ModbusRTU.js';

const cli = fileURLToPath(new URL('./sim/sensor-sim-cli.ts', import.meta.url));

test('the standalone simulator answers Modbus TCP and takes values and faults on stdin', async () => {
  const proc = spawn(
    process.execPath,
    ['--import', 'tsx', cli, '--tcp', '0', '--unit', '1:renke-th:temperature=21.5,humidity=40'],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  const lines = createInterface({ input: proc.stdout! })[Symbol.asyncIterator]();
  const next = async () => (await lines.next()).value as string;
  const client = new (ModbusSerial as unknown as new () => ModbusRTU)();
  try {
    const port = Number(/:(\d+),/.exec(await next())![1]);
    await client.connectTCP('127.0.0.1', { port });
    client.setID(1);
    client.setTimeout(300);
    assert.deepEqual((await client.readHoldingRegisters(0, 2)).data, [400, 215]);
    proc.stdin!.write('set 1 temperature -3.2\n');
    assert.equal(await next(), 'ok');
    assert.deepEqual((await client.readHoldingRegisters(0, 2)).data, [400, 0x10000 - 32]);
    proc.stdin!.write('fault 1 silent\n');
    assert.equal(await next(), 'ok');
    await assert.rejects(client.readHoldingRegisters(0, 2), { message: 'Timed out' });
    proc.stdin!.write('fault 9 silent\n');
    assert.match(await next(), /no unit 9/);
  } finally {
    client.close(() => {});
    proc.kill();
    await once(proc, 'exit');
  }
});
