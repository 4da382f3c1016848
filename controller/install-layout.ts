/** Where an installed gateway keeps everything (systemd/campus-edge.service says the same). */
export const installLayout = {
  /** A/B slots, the `current` link, update state; the service's StateDirectory. */
  home: '/var/lib/campus-edge',
  data: '/var/lib/campus-edge/data',
  config: '/etc/campus-edge',
  launcher: '/opt/campus-edge/bin/campus-edge-launch',
  /** The installer's command: the launcher, which runs the active build. */
  command: '/usr/local/bin/campus-edge',
  unit: '/etc/systemd/system/campus-edge.service',
  wants: '/etc/systemd/system/multi-user.target.wants/campus-edge.service',
  journald: '/etc/systemd/journald.conf.d/campus-edge.conf',
  sysusers: '/usr/lib/sysusers.d/campus-edge.conf',
  tmpfiles: '/usr/lib/tmpfiles.d/campus-edge.conf',
} as const;

/** The files in systemd/ that an install copies, by their install path. */
export const systemdFiles: Record<string, string> = {
  [installLayout.launcher]: 'systemd/campus-edge-launch',
  [installLayout.unit]: 'systemd/campus-edge.service',
  [installLayout.journald]: 'systemd/journald-campus-edge.conf',
  [installLayout.sysusers]: 'systemd/sysusers-campus-edge.conf',
  [installLayout.tmpfiles]: 'systemd/tmpfiles-campus-edge.conf',
};
