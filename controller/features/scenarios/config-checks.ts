import type { SiteConfig } from '../../config/types.ts';

type At = (path: (string | number)[], message: string) => void;

/** Each button's camera, and each camera linked to it, must be a camera of this site; fewer than two linked is a warning. */
export function emergencyButtonIssues(config: SiteConfig, at: At, warn: At): void {
  const cameras = new Set(config.video.cameras.map((c) => c.id));
  config.emergency_buttons.forEach((b, i) => {
    if (!cameras.has(b.camera)) at(['emergency_buttons', i, 'camera'], `no camera "${b.camera}" in this site`);
    (b.cameras ?? []).forEach((id, j) => {
      if (!cameras.has(id)) at(['emergency_buttons', i, 'cameras', j], `no camera "${id}" in this site`);
    });
    const linked = new Set(b.cameras ?? [b.camera]);
    if (config.video.prealarm && linked.size < 2)
      warn(
        ['emergency_buttons', i],
        `${linked.size} camera linked; GB/T 29315 and the police alarm centres ask for at least two (cameras: [...])`,
      );
  });
}
