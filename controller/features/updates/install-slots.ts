import {
  existsSync,
  mkdirSync,
  readFileSync,
  readlinkSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';

export type Slot = 'a' | 'b';

/** An update on trial, as the launcher reads it (key=value lines; systemd/campus-edge-launch). */
export interface Trial {
  slot: Slot;
  previous: Slot;
  /** Unix seconds: not confirmed by then, the launcher rolls back at the next start. */
  deadline: number;
  max_starts: number;
  version: string;
  sha256: string;
}

const parseKv = (text: string): Record<string, string> =>
  Object.fromEntries(
    text
      .split('\n')
      .filter((l) => l.includes('='))
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );

/**
 * The A/B layout an installed gateway runs from: `$HOME/slots/{a,b}/campus-edge`, `$HOME/current`
 * linking the active slot, and `$HOME/update/` shared with the launcher.
 */
export class InstallSlots {
  /** The layout around the running binary, or null when it runs from anywhere else (development). */
  static around(execPath: string): InstallSlots | null {
    const slot = basename(dirname(execPath));
    const slots = dirname(dirname(execPath));
    if (basename(slots) !== 'slots' || (slot !== 'a' && slot !== 'b')) return null;
    return new InstallSlots(dirname(slots), slot);
  }

  readonly updateDir: string;

  constructor(
    readonly home: string,
    readonly running: Slot,
  ) {
    this.updateDir = join(home, 'update');
  }

  binary(slot: Slot): string {
    return join(this.home, 'slots', slot, 'campus-edge');
  }
  other(slot: Slot): Slot {
    return slot === 'a' ? 'b' : 'a';
  }

  active(): Slot {
    const target = basename(readlinkSync(join(this.home, 'current')));
    if (target !== 'a' && target !== 'b')
      throw new Error(`${join(this.home, 'current')} links to ${target}, not a slot`);
    return target;
  }

  /** Points `current` at a slot in one rename, so a power cut leaves one link or the other. */
  activate(slot: Slot): void {
    const next = join(this.home, 'current.next');
    rmSync(next, { force: true });
    symlinkSync(join('slots', slot), next);
    renameSync(next, join(this.home, 'current'));
  }

  readTrial(): Trial | null {
    const file = join(this.updateDir, 'trial');
    if (!existsSync(file)) return null;
    const kv = parseKv(readFileSync(file, 'utf8'));
    return {
      slot: kv.slot as Slot,
      previous: kv.previous as Slot,
      deadline: Number(kv.deadline),
      max_starts: Number(kv.max_starts),
      version: kv.version ?? '',
      sha256: kv.sha256 ?? '',
    };
  }

  writeTrial(t: Trial): void {
    mkdirSync(this.updateDir, { recursive: true, mode: 0o750 });
    const file = join(this.updateDir, 'trial');
    writeFileSync(
      `${file}.next`,
      Object.entries(t)
        .map(([k, v]) => `${k}=${v}\n`)
        .join(''),
    );
    rmSync(join(this.updateDir, 'starts'), { force: true });
    renameSync(`${file}.next`, file);
  }

  /** The build proved itself: the launcher stops counting. */
  endTrial(): void {
    rmSync(join(this.updateDir, 'trial'), { force: true });
    rmSync(join(this.updateDir, 'starts'), { force: true });
  }

  /** What the launcher wrote when it rolled back; null when it has not. */
  readRollback(): Record<string, string> | null {
    const file = join(this.updateDir, 'rolled-back');
    return existsSync(file) ? parseKv(readFileSync(file, 'utf8')) : null;
  }

  /** Once the rollback is on record. */
  clearRollback(): void {
    rmSync(join(this.updateDir, 'rolled-back'), { force: true });
  }
}
