import type { Gb28181Config, Gb28181Platform, SiteConfig } from '../../config/types.ts';
import { type Encoding, writeManscdp } from './manscdp.ts';

/** One channel of the catalog: a camera (131/132), an alarm input (134), an alarm output (135) or a voice output (137). */
export interface CatalogItem {
  DeviceID: string;
  Name: string;
  Manufacturer: string;
  Model: string;
  Owner: string;
  CivilCode: string;
  Address: string;
  Parental: 0;
  ParentID: string;
  SafetyWay: 0;
  RegisterWay: 1;
  Secrecy: 0;
  Status: 'ON' | 'OFF';
}

/** The platform's channels, in the site's order: cameras, emergency buttons, PA zones; a device offline is OFF. */
export function catalogItems(
  site: SiteConfig,
  gb: Gb28181Config,
  platform: Gb28181Platform,
  online: (device: string) => boolean,
): CatalogItem[] {
  const item = (id: string, name: string, model: string, address: string | undefined, device: string): CatalogItem => ({
    DeviceID: id,
    Name: name,
    Manufacturer: 'campus-edge',
    Model: model,
    Owner: gb.device_id.slice(0, 6),
    CivilCode: gb.device_id.slice(0, 6),
    Address: address ?? site.school.name,
    Parental: 0,
    ParentID: gb.device_id,
    SafetyWay: 0,
    RegisterWay: 1,
    Secrecy: 0,
    Status: online(device) ? 'ON' : 'OFF',
  });
  const ch = platform.channels;
  return [
    ...site.video.cameras
      .filter((c) => ch[c.id])
      .map((c) => item(ch[c.id]!, c.name ?? c.id, 'IP camera', c.location, c.id)),
    ...site.emergency_buttons
      .filter((b) => ch[b.id])
      .map((b) => item(ch[b.id]!, b.name, 'emergency button', undefined, b.camera)),
    // A gate is an alarm input (134) to a platform: its forced-door and held-open alarms.
    ...site.access.gates.filter((g) => ch[g.id]).map((g) => item(ch[g.id]!, g.name ?? g.id, 'gate', undefined, g.id)),
    ...site.pa.zones.filter((z) => ch[z.id]).map((z) => item(ch[z.id]!, z.name, 'PA zone', undefined, z.id)),
    // Intrusion zones are alarm inputs (134); sirens, strobes and relays alarm outputs (135).
    ...site.zones.filter((z) => ch[z.id]).map((z) => item(ch[z.id]!, z.name, 'intrusion zone', z.place, z.id)),
    ...site.outputs
      .filter((o) => ch[o.id])
      .map((o) => item(ch[o.id]!, o.name, `alarm output (${o.kind})`, undefined, o.id)),
  ];
}

/**
 * The Catalog answer in as many messages as it takes: each under `maxBytes` (a UDP datagram
 * the platform can take whole), each with the total in SumNum and its own count in DeviceList Num.
 */
export function catalogResponses(
  items: readonly CatalogItem[],
  sn: number,
  deviceId: string,
  encoding: Encoding,
  maxBytes = 3000,
  root: 'Response' | 'Notify' = 'Response',
): Buffer[] {
  const body = (part: readonly CatalogItem[]) =>
    writeManscdp(
      {
        root,
        cmdType: 'Catalog',
        sn,
        deviceId,
        fields: { SumNum: items.length, DeviceList: { '@Num': part.length, Item: [...part] } },
      },
      encoding,
    );
  if (!items.length) return [body([])];
  const out: Buffer[] = [];
  let part: CatalogItem[] = [];
  for (const it of items) {
    if (part.length && body([...part, it]).length > maxBytes) {
      out.push(body(part));
      part = [];
    }
    part.push(it);
  }
  out.push(body(part));
  return out;
}

export function deviceInfo(
  gb: Gb28181Config,
  channels: number,
  sn: number,
  version: string,
  encoding: Encoding,
): Buffer {
  return writeManscdp(
    {
      root: 'Response',
      cmdType: 'DeviceInfo',
      sn,
      deviceId: gb.device_id,
      fields: {
        DeviceName: gb.name,
        Result: 'OK',
        Manufacturer: 'campus-edge',
        Model: 'campus-edge access gateway',
        Firmware: version,
        Channel: channels,
      },
    },
    encoding,
  );
}

export function deviceStatus(gb: Gb28181Config, sn: number, deviceTime: string, encoding: Encoding): Buffer {
  return writeManscdp(
    {
      root: 'Response',
      cmdType: 'DeviceStatus',
      sn,
      deviceId: gb.device_id,
      fields: { Result: 'OK', Online: 'ONLINE', Status: 'OK', Encode: 'ON', Record: 'OFF', DeviceTime: deviceTime },
    },
    encoding,
  );
}
