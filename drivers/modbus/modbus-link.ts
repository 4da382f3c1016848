// Serial reads wake on time on Node 22 and later (see serial-wakeup.ts).
import '../serial-wakeup.ts';
import ModbusSerial from 'modbus-serial';
import type { ModbusRTU } from 'modbus-serial/ModbusRTU.js';
import type { ModbusBusConfig } from '../../controller/config/types.ts';
import type { Logger } from '../../controller/core/logger.ts';
import { backoffDelay } from '../../controller/core/backoff.ts';
import { BusScheduler, interFrameGapMs, TimeoutError } from './bus-scheduler.ts';

// The package is CommonJS whose typings declare an ES default export.
const ModbusClient = ModbusSerial as unknown as new () => ModbusRTU;

export class LinkDownError extends Error {}

export interface LinkStats {
  requests: number;
  ok: number;
  timeouts: number;
  /** Frames dropped for a bad CRC, a wrong length or garbage. */
  malformed: number;
  exceptions: number;
  reconnects: number;
  open: boolean;
}

const DROP_WAIT_MS = 1000;
const MALFORMED = /CRC error|Data length error|Unexpected data|Invalid/i;

/**
 * One Modbus bus (an RS-485 port or a TCP gateway): opens it, reopens it with
 * backoff after it goes away (a USB adapter unplugged, a gateway rebooted),
 * and runs every request through the bus's single-transaction scheduler.
 */
export class ModbusLink {
  readonly scheduler: BusScheduler;
  readonly stats: LinkStats = {
    requests: 0,
    ok: 0,
    timeouts: 0,
    malformed: 0,
    exceptions: 0,
    reconnects: 0,
    open: false,
  };
  private client: ModbusRTU | null = null;
  private failedOpens = 0;
  private retryAt = 0;
  private stopped = false;
  private everOpened = false;

  constructor(
    readonly bus: ModbusBusConfig,
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
  ) {
    this.scheduler = new BusScheduler(bus.type === 'modbus-rtu' ? interFrameGapMs(bus.baud_rate) : 0);
  }

  readRegisters(unit: number, fc: 3 | 4, start: number, count: number): Promise<number[]> {
    return this.transact(unit, async (c) =>
      (fc === 3 ? c.readHoldingRegisters(start, count) : c.readInputRegisters(start, count)).then(
        (r: { data: number[] }) => r.data,
      ),
    );
  }

  readDiscreteInputs(unit: number, start: number, count: number): Promise<boolean[]> {
    return this.transact(unit, async (c) => (await c.readDiscreteInputs(start, count)).data.slice(0, count));
  }

  /** FC01: the relays as the board has them, to check them against what was commanded. */
  readCoils(unit: number, start: number, count: number): Promise<boolean[]> {
    return this.transact(unit, async (c) => (await c.readCoils(start, count)).data.slice(0, count));
  }

  /** FC05: 0xFF00 on, 0x0000 off (relay boards); ahead of queued polls, since a person is waiting. */
  writeCoil(unit: number, address: number, on: boolean): Promise<void> {
    return this.transact(
      unit,
      async (c) => {
        await c.writeCoil(address, on);
      },
      true,
    );
  }

  /** Links are shared by every driver on the bus; the last one to stop closes it. */
  private users = 0;
  acquire(): this {
    this.users++;
    return this;
  }

  async release(): Promise<void> {
    if (--this.users <= 0) await this.close();
  }

  async close(): Promise<void> {
    this.stopped = true;
    await this.drop();
  }

  private transact<T>(unit: number, fn: (c: ModbusRTU) => Promise<T>, urgent = false): Promise<T> {
    // The scheduler's own timeout is a backstop above the library's per-request one.
    return this.scheduler.run(
      async () => {
        const client = await this.ensureOpen();
        this.stats.requests++;
        client.setID(unit);
        try {
          const result = await fn(client);
          this.stats.ok++;
          return result;
        } catch (err) {
          throw this.classify(err as Error & { modbusCode?: number; errno?: string });
        }
      },
      this.bus.timeout_ms * 2 + 500,
      urgent,
    );
  }

  private classify(err: Error & { modbusCode?: number; errno?: string }): Error {
    if (err.modbusCode !== undefined) {
      this.stats.exceptions++;
      return err;
    }
    if (err.errno === 'ETIMEDOUT' || /Timed out/.test(err.message)) {
      this.stats.timeouts++;
      return new TimeoutError(err.message);
    }
    if (MALFORMED.test(err.message)) {
      this.stats.malformed++;
      return err;
    }
    if (/Port Not Open|not open|ECONNRESET|EPIPE/i.test(err.message)) void this.drop();
    return err;
  }

  private async ensureOpen(): Promise<ModbusRTU> {
    if (this.client?.isOpen) return this.client;
    if (this.stopped) throw new LinkDownError('bus stopped');
    if (this.now() < this.retryAt)
      throw new LinkDownError(`${this.bus.id} is closed; next attempt in ${this.retryAt - this.now()} ms`);
    await this.drop();
    const client = new ModbusClient();
    // Without a listener, an 'error' from the port would crash the process.
    client.on('error', (e: unknown) =>
      this.log.warn({ bus: this.bus.id, err: (e as Error).message }, 'modbus port error'),
    );
    try {
      if (this.bus.type === 'modbus-rtu') {
        await client.connectRTUBuffered(this.bus.port, {
          baudRate: this.bus.baud_rate,
          parity: this.bus.parity,
          dataBits: this.bus.data_bits,
          stopBits: this.bus.stop_bits,
        });
      } else {
        await client.connectTCP(this.bus.host, { port: this.bus.port, timeout: this.bus.timeout_ms });
      }
    } catch (err) {
      this.failedOpens++;
      this.retryAt = this.now() + backoffDelay(this.failedOpens - 1, 500, 10_000);
      try {
        client.close(() => {});
      } catch {
        /* was never open */
      }
      throw new LinkDownError(`cannot open ${this.bus.id}: ${(err as Error).message}`);
    }
    client.setTimeout(this.bus.timeout_ms);
    client.on('close', () => {
      if (this.client === client) {
        this.stats.open = false;
        this.client = null;
        this.log.warn({ bus: this.bus.id }, 'modbus bus closed');
      }
    });
    if (this.everOpened) {
      this.stats.reconnects++;
      this.log.info({ bus: this.bus.id }, 'modbus bus reopened');
    }
    this.everOpened = true;
    this.failedOpens = 0;
    this.client = client;
    this.stats.open = true;
    return client;
  }

  private drop(): Promise<void> {
    const c = this.client;
    this.client = null;
    this.stats.open = false;
    if (!c) return Promise.resolve();
    // A socket the far end already closed may never call back: do not wait on it for long.
    return new Promise((resolve) => {
      const late = setTimeout(resolve, DROP_WAIT_MS);
      const done = () => {
        clearTimeout(late);
        resolve();
      };
      try {
        c.close(done);
      } catch {
        done();
      }
    });
  }
}
