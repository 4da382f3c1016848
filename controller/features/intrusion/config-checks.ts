import type { SiteConfig } from '../../config/types.ts';

type At = (path: (string | number)[], message: string) => void;

/** Input modules are on Modbus buses of the site; each zone's detector and tamper are inputs that exist. */
export function intrusionIssues(config: SiteConfig, at: At): void {
  const buses = new Map(config.buses.map((b) => [b.id, b.type]));
  config.io_modules.forEach((m, i) => {
    const type = buses.get(m.bus);
    if (!type) at(['io_modules', i, 'bus'], `no bus "${m.bus}" in this site`);
    else if (type === 'osdp') at(['io_modules', i, 'bus'], `bus "${m.bus}" is an OSDP line, not Modbus`);
  });
  const modules = new Map(config.io_modules.map((m) => [m.id, m]));
  const cameras = new Set(config.video.cameras.map((c) => c.id));
  config.zones.forEach((z, i) => {
    const input = (what: 'input' | 'tamper', x: { module: string; input: number } | undefined) => {
      if (!x) return;
      const m = modules.get(x.module);
      if (!m) at(['zones', i, what, 'module'], `no input module "${x.module}" in io_modules`);
      else if (x.input >= m.inputs) at(['zones', i, what, 'input'], `${m.id} has inputs 0 to ${m.inputs - 1}`);
    };
    if ('module' in z.input) input('input', z.input);
    else if (!cameras.has(z.input.camera))
      at(['zones', i, 'input', 'camera'], `no camera "${z.input.camera}" in this site`);
    input('tamper', z.tamper);
  });
}
