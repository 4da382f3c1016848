/**
 * Fragmented MP4 as ffmpeg writes it to a pipe: top-level boxes split out of
 * the byte stream, the init segment (ftyp + moov) told apart from media
 * fragments (moof + mdat), and the codec string MSE needs. Pure.
 */

export interface Box { type: string; bytes: Buffer }

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
