import type { SiteConfig } from '../../config/types.ts';

type At = (path: (string | number)[], message: string) => void;

/**
 * Each button's camera, each camera linked to it and its talk-back microphone must be cameras of
 * this site, and its talk-back needs an alarm centre; fewer than two linked is a warning.
 */
export function emergencyButtonIssues(config: SiteConfig, at: At, warn: At): void {
  const cameras = new Set(config.video.cameras.map((c) => c.id));
  const zones = new Set(config.pa.zones.map((z) => z.id));
  config.emergency_buttons.forEach((b, i) => {
    if (!cameras.has(b.camera)) at(['emergency_buttons', i, 'camera'], `no camera "${b.camera}" in this site`);
    (b.cameras ?? []).forEach((id, j) => {
      if (!cameras.has(id)) at(['emergency_buttons', i, 'cameras', j], `no camera "${id}" in this site`);
    });
    const tb = b.talkback;
    if (tb) {
      if (!cameras.has(tb.microphone))
        at(['emergency_buttons', i, 'talkback', 'microphone'], `no camera "${tb.microphone}" in this site`);
      (tb.pa_zones ?? []).forEach((z, j) => {
        if (!zones.has(z)) at(['emergency_buttons', i, 'talkback', 'pa_zones', j], `no PA zone "${z}" in this site`);
      });
      if (!config.alarm_centre)
        at(
          ['emergency_buttons', i, 'talkback'],
          'talk-back needs the alarm centre to call: add an alarm_centre section',
        );
      if (!tb.speaker && !tb.pa_zones)
        warn(
          ['emergency_buttons', i, 'talkback'],
          "no speaker and no PA zones: the person who pressed will not hear the centre's voice",
        );
    }
    const linked = new Set(b.cameras ?? [b.camera]);
    if (config.video.prealarm && linked.size < 2)
      warn(
        ['emergency_buttons', i],
        `${linked.size} camera linked; GB/T 29315 and the police alarm centres ask for at least two (cameras: [...])`,
      );
  });
}
