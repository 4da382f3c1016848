import type { Capabilities, Capability, Driver } from '../../drivers/contract.ts';

/** Finds what a device can do by its id, whichever driver serves it. */
export class DeviceDirectory {
  private readonly byId = new Map<string, Partial<Capabilities>>();

  /** The devices a driver serves; a device served by two drivers has the capabilities of both. */
  add(driver: Driver): void {
    for (const [id, caps] of driver.devices()) this.byId.set(id, { ...this.byId.get(id), ...caps });
  }

  get<K extends Capability>(id: string, capability: K): Capabilities[K] | undefined {
    return this.byId.get(id)?.[capability];
  }

  /** Every device with the capability, by id. */
  all<K extends Capability>(capability: K): [string, Capabilities[K]][] {
    const out: [string, Capabilities[K]][] = [];
    for (const [id, caps] of this.byId) {
      const c = caps[capability];
      if (c) out.push([id, c]);
    }
    return out;
  }
}
