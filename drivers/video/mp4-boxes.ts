/**
 * Fragmented MP4 as ffmpeg writes it to a pipe: top-level boxes split out of
 * the byte stream, the init segment (ftyp + moov) told apart from media
 * fragments (moof + mdat), and the codec string MSE needs. Pure.
 */

export interface Box {
  type: string;
  bytes: Buffer;
}

export class BoxSplitter {
  private buf: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): Box[] {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    const out: Box[] = [];
    while (this.buf.length >= 8) {
      let size = this.buf.readUInt32BE(0);
      let header = 8;
      if (size === 1) {
        if (this.buf.length < 16) break;
        size = Number(this.buf.readBigUInt64BE(8));
        header = 16;
      }
      if (size < header) throw new Error(`bad MP4 box size ${size}`);
      if (this.buf.length < size) break;
      out.push({ type: this.buf.toString('latin1', 4, 8), bytes: this.buf.subarray(0, size) });
      this.buf = this.buf.subarray(size);
    }
    return out;
  }
}

/** The RFC 6381 codec of the first H.264 track: `avc1.PPCCLL` from its avcC box, or null. */
export function avcCodec(moov: Buffer): string | null {
  const at = moov.indexOf('avcC', 0, 'latin1');
  if (at < 0 || at + 8 > moov.length) return null;
  const hex = (b: number) => b.toString(16).padStart(2, '0').toUpperCase();
  return `avc1.${hex(moov[at + 5]!)}${hex(moov[at + 6]!)}${hex(moov[at + 7]!)}`;
}

/** The payload of the first child box of `type` inside a container box, or null. */
function child(container: Buffer, type: string, from = 8): Buffer | null {
  let at = from;
  while (at + 8 <= container.length) {
    const size = container.readUInt32BE(at);
    if (size < 8) return null;
    if (container.toString('latin1', at + 4, at + 8) === type) return container.subarray(at, at + size);
    at += size;
  }
  return null;
}

/**
 * Whether a fragment (moof) starts with a sync sample (a keyframe), from the
 * first sample's flags in trun, or tfhd's defaults. A viewer can only start
 * on such a fragment; later ones may be cut anywhere in the GOP.
 */
export function startsWithKeyframe(moof: Buffer): boolean {
  const traf = child(moof, 'traf');
  if (!traf) return false;
  const tfhd = child(traf, 'tfhd');
  const trun = child(traf, 'trun');
  if (!trun) return false;
  let defaults: number | null = null;
  if (tfhd) {
    const f = tfhd.readUInt32BE(8) & 0xffffff;
    let o = 16; // after size, type, version+flags, track_ID
    if (f & 0x01) o += 8;
    if (f & 0x02) o += 4;
    if (f & 0x08) o += 4;
    if (f & 0x10) o += 4;
    if (f & 0x20) defaults = tfhd.readUInt32BE(o);
  }
  const tf = trun.readUInt32BE(8) & 0xffffff;
  let o = 16; // after version+flags and sample_count
  if (tf & 0x01) o += 4;
  let flags: number | null = null;
  if (tf & 0x04) flags = trun.readUInt32BE(o);
  else if (tf & 0x400) {
    let so = o;
    if (tf & 0x100) so += 4;
    if (tf & 0x200) so += 4;
    flags = trun.readUInt32BE(so);
  }
  const f = flags ?? defaults;
  return f !== null && (f & 0x10000) === 0;
}
