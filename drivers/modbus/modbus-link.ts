// Serial reads wake on time on Node 22 and later (see serial-wakeup.ts).
import '../serial-wakeup.ts';
import ModbusSerial from 'modbus-serial';
import type { ModbusRTU } from 'modbus-serial/ModbusRTU.js';
import type { ModbusBusConfig } from '../../controller/config/types.ts';
import type { Logger } from '../../controller/core/logger.ts';
import { backoffDelay } from '../../controller/core/backoff.ts';
import { BusScheduler, interFrameGapMs, TimeoutError } from './bus-scheduler.ts';
import type { FunctionCode } from './register-codec.ts';

// The package is CommonJS whose typings declare an ES default export.
const ModbusClient = ModbusSerial as unknown as new () => ModbusRTU;

export class LinkDownError extends Error {}

/** Opens the library's client on the bus's transport. */
async function connect(client: ModbusRTU, bus: ModbusBusConfig): Promise<void> {
  switch (bus.type) {
    case 'modbus-rtu':
    case 'modbus-ascii': {
      const line = { baudRate: bus.baud_rate, parity: bus.parity, dataBits: bus.data_bits, stopBits: bus.stop_bits };
      await (bus.type === 'modbus-rtu'
        ? client.connectRTUBuffered(bus.port, line)
        : client.connectAsciiSerial(bus.port, line));
      return;
    }
    case 'modbus-tcp': {
      // No Nagle: with several transactions in flight, a request held back for the last one's
      // ACK meets the device's delayed ACK and waits 40 ms. The options go on to net's connect().
      const options = { port: bus.port, timeout: bus.timeout_ms, noDelay: true };
      await client.connectTCP(bus.host, options);
      return;
    }
    case 'modbus-rtu-tcp':
      // The library's "telnet" port is raw RTU frames on a socket, as a transparent serial server
      // passes them (its "TcpRTUBuffered" port is Modbus TCP framing, despite the name).
      await client.connectTelnet(bus.host, { port: bus.port, timeout: bus.timeout_ms });
      return;
  }
}

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
    // Serial lines need silence between frames (RTU: 3.5 characters); ASCII frames end with CR LF, but
    // cheap converters still need a moment to turn the line around. Only a native Modbus TCP device
    // takes several transactions at once.
    const serial = bus.type === 'modbus-rtu' || bus.type === 'modbus-ascii';
    this.scheduler = new BusScheduler(
      serial ? interFrameGapMs(bus.baud_rate) : 0,
      bus.type === 'modbus-tcp' ? bus.max_in_flight : 1,
    );
  }

  /** FC03/04 give registers, FC01/02 bits (the library pads bits to whole bytes: cut to the count asked). */
  read(unit: number, fc: FunctionCode, start: number, count: number): Promise<number[] | boolean[]> {
    return this.transact(unit, async (c) => {
      switch (fc) {
        case 1:
          return (await c.readCoils(start, count)).data.slice(0, count);
        case 2:
          return (await c.readDiscreteInputs(start, count)).data.slice(0, count);
        case 3:
          return (await c.readHoldingRegisters(start, count)).data;
        case 4:
          return (await c.readInputRegisters(start, count)).data;
      }
    });
  }

  readRegisters(unit: number, fc: 3 | 4, start: number, count: number): Promise<number[]> {
    return this.read(unit, fc, start, count) as Promise<number[]>;
  }

  readDiscreteInputs(unit: number, start: number, count: number): Promise<boolean[]> {
    return this.read(unit, 2, start, count) as Promise<boolean[]>;
  }

  /** FC01: the relays as the board has them, to check them against what was commanded. */
  readCoils(unit: number, start: number, count: number): Promise<boolean[]> {
    return this.read(unit, 1, start, count) as Promise<boolean[]>;
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

  private opening: Promise<ModbusRTU> | null = null;

  /** Transactions in flight together share one attempt to open. */
  private ensureOpen(): Promise<ModbusRTU> {
    if (this.client?.isOpen) return Promise.resolve(this.client);
    this.opening ??= this.open().finally(() => {
      this.opening = null;
    });
    return this.opening;
  }

  private async open(): Promise<ModbusRTU> {
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
      await connect(client, this.bus);
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
