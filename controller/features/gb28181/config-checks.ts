import type { SiteConfig } from '../../config/types.ts';
import { CHANNEL_TYPES, idType } from './config.ts';

const KIND_NAME: Record<keyof typeof CHANNEL_TYPES, string> = {
  camera: 'a camera',
  button: 'an emergency button',
  gate: 'a gate',
  zone: 'a PA zone',
  intrusion: 'an intrusion zone',
  output: 'an alarm output',
};

type At = (path: (string | number)[], message: string) => void;

/**
 * What the schema cannot see in the gb28181 section: the gateway's type, each channel naming a
 * device of this site with an id of the right type, and no id given twice to one platform.
 */
export function gb28181Issues(
  config: SiteConfig,
  at: At,
  secret: (path: (string | number)[], file: string) => void,
): void {
  const gb = config.gb28181;
  if (!gb) return;
  if (idType(gb.device_id) !== '209')
    at(['gb28181', 'device_id'], `digits 11-13 are ${idType(gb.device_id)}; an access gateway is 209 (annex D)`);
  const kinds = new Map<string, keyof typeof CHANNEL_TYPES>([
    ...config.video.cameras.map((c) => [c.id, 'camera'] as const),
    ...config.emergency_buttons.map((b) => [b.id, 'button'] as const),
    ...config.access.gates.map((g) => [g.id, 'gate'] as const),
    ...config.pa.zones.map((z) => [z.id, 'zone'] as const),
    ...config.zones.map((z) => [z.id, 'intrusion'] as const),
    ...config.outputs.map((o) => [o.id, 'output'] as const),
  ]);
  const seen = new Set<string>();
  gb.platforms.forEach((p, i) => {
    if (seen.has(p.id)) at(['gb28181', 'platforms', i, 'id'], `duplicate id "${p.id}"`);
    seen.add(p.id);
    secret(['gb28181', 'platforms', i, 'password_file'], p.password_file);
    if (!p.server_id.startsWith(p.domain))
      at(['gb28181', 'platforms', i, 'domain'], `the server id ${p.server_id} is not in the domain ${p.domain}`);
    const ids = new Map<string, string>();
    for (const [device, id] of Object.entries(p.channels)) {
      const where = ['gb28181', 'platforms', i, 'channels', device];
      const kind = kinds.get(device);
      if (!kind) {
        at(
          where,
          `no camera, emergency button, gate, PA zone, intrusion zone or alarm output "${device}" in this site`,
        );
        continue;
      }
      const allowed: readonly string[] = CHANNEL_TYPES[kind];
      if (!allowed.includes(idType(id)))
        at(where, `${id} is of type ${idType(id)}; ${KIND_NAME[kind]} needs ${allowed.join(' or ')}`);
      const other = ids.get(id);
      if (other) at(where, `${id} is already given to ${other}`);
      ids.set(id, device);
      if (id === gb.device_id) at(where, `${id} is the gateway's own id`);
    }
  });
}
