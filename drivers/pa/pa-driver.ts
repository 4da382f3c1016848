import type { PaZone } from '../../controller/config/types.ts';
import type { Capabilities, Driver } from '../contract.ts';
import type { ModbusLink } from '../modbus/modbus-link.ts';
import { playRtp } from './rtp-audio.ts';

/**
 * The PA head end: RTP audio to the zones' stream addresses (device `pa`),
 * and each zone's amplifier relay on a Modbus output board where it has one.
 */
export class PaDriver implements Driver {
  readonly kind = 'pa';

  constructor(
    private readonly zones: PaZone[],
    private readonly link: (busId: string) => ModbusLink | undefined,
  ) {}

  devices(): ReadonlyMap<string, Partial<Capabilities>> {
    const devices = new Map<string, Partial<Capabilities>>([['pa', { audio: { play: playRtp } }]]);
    for (const z of this.zones) {
      const relay = z.relay;
      const link = relay && this.link(relay.bus);
      if (relay && link) devices.set(z.id, { relay: { set: (on) => link.writeCoil(relay.address, relay.coil, on) } });
    }
    return devices;
  }

  async start(): Promise<void> {}
  async stop(): Promise<void> {}
}
