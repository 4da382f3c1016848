import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';

export interface MediaRef {
  file: string;
  bytes: number;
  sha256: string;
  takenAt: string;
}

/**
 * An alarm's evidence as files under the data directory (snapshots as JPEG, pre-alarm clips
 * as MP4), each kind within its own disk budget: the oldest are removed first when a new one
 * would not fit.
 */
export class MediaStore {
  private files: { path: string; bytes: number; mtime: number }[] = [];
  private used = 0;
  evicted = 0;

  constructor(
    private readonly dir: string,
    private readonly budgetBytes: number,
    private readonly ext: '.jpg' | '.mp4' = '.jpg',
  ) {
    mkdirSync(dir, { recursive: true });
    const walk = (d: string): void => {
      for (const e of readdirSync(d, { withFileTypes: true })) {
        const p = join(d, e.name);
        if (e.isDirectory()) walk(p);
        else if (e.name.endsWith(ext)) {
          const st = statSync(p);
          this.files.push({ path: p, bytes: st.size, mtime: st.mtimeMs });
          this.used += st.size;
        }
      }
    };
    walk(dir);
    this.files.sort((a, b) => a.mtime - b.mtime);
  }

  get usedBytes(): number {
    return this.used;
  }

  save(name: string, bytes: Buffer, at = new Date()): MediaRef {
    if (!/^[\w.-]+$/.test(name)) throw new Error(`bad file name ${name}`);
    const day = at.toISOString().slice(0, 10);
    mkdirSync(join(this.dir, day), { recursive: true });
    const path = join(this.dir, day, `${name}${this.ext}`);
    while (this.files.length && this.used + bytes.length > this.budgetBytes) this.evictOldest();
    writeFileSync(`${path}.tmp`, bytes, { mode: 0o640 });
    renameSync(`${path}.tmp`, path);
    this.files.push({ path, bytes: bytes.length, mtime: at.getTime() });
    this.used += bytes.length;
    return {
      file: relative(this.dir, path),
      bytes: bytes.length,
      sha256: createHash('sha256').update(bytes).digest('hex'),
      takenAt: at.toISOString(),
    };
  }

  /** Where a stored file is; null for a name outside the store or of another kind. */
  pathOf(file: string): string | null {
    const path = resolve(this.dir, file);
    return path.startsWith(resolve(this.dir) + sep) && path.endsWith(this.ext) ? path : null;
  }

  /** Reads a stored file; a path outside the store is refused. */
  read(file: string): Buffer | null {
    const path = this.pathOf(file);
    if (!path) return null;
    try {
      return readFileSync(path);
    } catch {
      return null;
    }
  }

  private evictOldest(): void {
    const f = this.files.shift()!;
    try {
      unlinkSync(f.path);
    } catch {
      /* already gone */
    }
    this.used -= f.bytes;
    this.evicted++;
  }
}
