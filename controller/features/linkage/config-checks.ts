import type { SiteConfig } from '../../config/types.ts';

type At = (path: (string | number)[], message: string) => void;

/** The kinds of alarm the product raises, by first part: a rule on another kind would never run. */
const KINDS = [
  'access',
  'board',
  'camera',
  'clock',
  'device',
  'emergency',
  'env',
  'environment',
  'fire',
  'gate',
  'gb28181',
  'storage',
  'user',
  'zone',
];

/** Every id a rule may name, and what each names. */
function known(config: SiteConfig) {
  const ids = (list: readonly { id: string }[]) => new Set(list.map((x) => x.id));
  return {
    cameras: ids(config.video.cameras),
    zones: ids(config.pa.zones),
    boards: ids(config.boards),
    gates: ids(config.access.gates),
    outputs: ids(config.outputs),
    devices: new Set(
      [
        ...config.video.cameras,
        ...config.devices,
        ...config.access.gates,
        ...config.access.readers,
        ...config.emergency_buttons,
        ...config.boards,
        ...config.pa.zones,
        ...config.outputs,
      ].map((x) => x.id),
    ),
  };
}

/**
 * Linkage rules name only what the site has; a rule's id is unique; a clip step needs pre-alarm
 * video; an alarm output is on a Modbus bus of the site. A kind the product never raises is a
 * warning: the rule would never run.
 */
export function linkageIssues(config: SiteConfig, at: At, warn: At): void {
  const k = known(config);
  const buses = new Map(config.buses.map((b) => [b.id, b.type]));
  config.outputs.forEach((o, i) => {
    const type = buses.get(o.bus);
    if (!type) at(['outputs', i, 'bus'], `no bus "${o.bus}" in this site`);
    else if (type === 'osdp') at(['outputs', i, 'bus'], `bus "${o.bus}" is an OSDP line, not Modbus`);
  });
  const seen = new Set<string>();
  config.linkage.rules.forEach((r, i) => {
    const here = (...p: (string | number)[]) => ['linkage', 'rules', i, ...p];
    if (seen.has(r.id)) at(here('id'), `a second rule "${r.id}"`);
    seen.add(r.id);
    r.when.kind.forEach((kind, j) => {
      if (!KINDS.includes(kind.split('.')[0]!))
        warn(here('when', 'kind', j), `no alarm of kind "${kind}" is ever raised: the rule would never run`);
    });
    r.when.devices?.forEach((d, j) => {
      if (!k.devices.has(d)) at(here('when', 'devices', j), `no device "${d}" in this site`);
    });
    const need = (set: Set<string>, what: string, ids: 'all' | string[], ...p: (string | number)[]) => {
      if (ids === 'all') return;
      ids.forEach((id, j) => {
        if (!set.has(id)) at(here(...p, j), `no ${what} "${id}" in this site`);
      });
    };
    r.steps.forEach((s, j) => {
      if (s.do === 'camera.preset' && !k.cameras.has(s.camera))
        at(here('steps', j, 'camera'), `no camera "${s.camera}" in this site`);
      if (s.do === 'clip') {
        need(k.cameras, 'camera', s.cameras, 'steps', j, 'cameras');
        if (!config.video.prealarm) at(here('steps', j), 'a clip needs pre-alarm video: add video.prealarm');
      }
      if (s.do === 'pa.message') need(k.zones, 'PA zone', s.zones, 'steps', j, 'zones');
      if (s.do === 'board.notice') need(k.boards, 'class board', s.boards, 'steps', j, 'boards');
      if (s.do === 'gate.mode') need(k.gates, 'gate', s.gates, 'steps', j, 'gates');
      if (s.do === 'output' && !k.outputs.has(s.output))
        at(here('steps', j, 'output'), `no alarm output "${s.output}" in outputs`);
    });
  });
}
