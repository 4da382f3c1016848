/** A simulated Modbus slave: four register tables and the PDU handler. Pure; transports live elsewhere. */

export type Fault = 'none' | 'silent' | 'bad-crc' | 'garbage' | 'slow' | 'busy';

export class ModbusUnit {
  readonly holding = new Uint16Array(0x10000);
  readonly input = new Uint16Array(0x10000);
  readonly coils = new Uint8Array(0x10000);
  readonly discrete = new Uint8Array(0x10000);
  fault: Fault = 'none';
  requests = 0;
  /** Holding (3) and input (4) registers the device has; reading past them is an illegal data address, as on real sensors. */
  readonly registerCount = { 3: 0x10000, 4: 0x10000 };
  /** Called after a coil write, so a simulated device can react (a turnstile turning). */
  onCoil?: (address: number, on: boolean) => void;

  /** Answers a request PDU (function code first) with a response PDU. */
  handle(pdu: Buffer): Buffer {
    this.requests++;
    const fc = pdu[0]!;
    const exception = (code: number) => Buffer.from([fc | 0x80, code]);
    if (this.fault === 'busy') return exception(6);
    if (pdu.length < 5) return exception(3);
    const addr = pdu.readUInt16BE(1);
    const qty = pdu.readUInt16BE(3);
    switch (fc) {
      case 1:
      case 2: {
        if (qty < 1 || qty > 2000 || addr + qty > 0x10000) return exception(2);
        const table = fc === 1 ? this.coils : this.discrete;
        const bytes = Buffer.alloc(Math.ceil(qty / 8));
        for (let i = 0; i < qty; i++) if (table[addr + i]) bytes[i >> 3]! |= 1 << (i & 7);
        return Buffer.concat([Buffer.from([fc, bytes.length]), bytes]);
      }
      case 3:
      case 4: {
        if (qty < 1 || qty > 125 || addr + qty > this.registerCount[fc]) return exception(2);
        const table = fc === 3 ? this.holding : this.input;
        const out = Buffer.alloc(2 + qty * 2);
        out[0] = fc;
        out[1] = qty * 2;
        for (let i = 0; i < qty; i++) out.writeUInt16BE(table[addr + i]!, 2 + i * 2);
        return out;
      }
      case 5: {
        if (qty !== 0xff00 && qty !== 0x0000) return exception(3);
        this.coils[addr] = qty === 0xff00 ? 1 : 0;
        this.onCoil?.(addr, qty === 0xff00);
        return Buffer.from(pdu.subarray(0, 5));
      }
      case 6:
        this.holding[addr] = qty;
        return Buffer.from(pdu.subarray(0, 5));
      case 16: {
        for (let i = 0; i < qty; i++) this.holding[addr + i] = pdu.readUInt16BE(6 + i * 2);
        return Buffer.from(pdu.subarray(0, 5));
      }
      default:
        return exception(1);
    }
  }
}
