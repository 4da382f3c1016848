/**
 * An H.264 or H.265 elementary stream in Annex B form (start codes), as `ffmpeg -c copy -f h264`
 * writes it with access unit delimiters inserted: cut into access units (one picture each), and
 * told whether each starts a picture others can be decoded from. Pure.
 */

export type VideoCodec = 'h264' | 'h265';

export interface AccessUnit {
  bytes: Buffer;
  keyframe: boolean;
}

const nalType = (codec: VideoCodec, first: number) => (codec === 'h264' ? first & 0x1f : (first >> 1) & 0x3f);
const AUD: Record<VideoCodec, number> = { h264: 9, h265: 35 };
const isKey = (codec: VideoCodec, t: number) => (codec === 'h264' ? t === 5 : t >= 16 && t <= 21);

/** Offsets of each start code (00 00 01, or 00 00 00 01) and where its NAL unit begins. */
function startCodes(b: Buffer, from: number): { at: number; nal: number }[] {
  const out: { at: number; nal: number }[] = [];
  for (let i = from; i + 3 <= b.length; i++) {
    if (b[i] === 0 && b[i + 1] === 0 && b[i + 2] === 1) {
      out.push({ at: i > 0 && b[i - 1] === 0 ? i - 1 : i, nal: i + 3 });
      i += 2;
    }
  }
  return out;
}

/** Feeds bytes as they come; hands out each access unit once the next one has begun. */
export class AccessUnitSplitter {
  private buf: Buffer = Buffer.alloc(0);

  constructor(
    private readonly codec: VideoCodec,
    private readonly maxBytes = 8 * 1024 * 1024,
  ) {}

  push(chunk: Buffer): AccessUnit[] {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    const codes = startCodes(this.buf, 0);
    const auds = codes.filter(
      (c) => c.nal < this.buf.length && nalType(this.codec, this.buf[c.nal]!) === AUD[this.codec],
    );
    const out: AccessUnit[] = [];
    for (let i = 0; i + 1 < auds.length; i++) out.push(this.unit(this.buf.subarray(auds[i]!.at, auds[i + 1]!.at)));
    if (auds.length) this.buf = this.buf.subarray(auds.at(-1)!.at);
    // A stream without delimiters, or garbage: dropped rather than held without bound.
    if (this.buf.length > this.maxBytes) this.buf = Buffer.alloc(0);
    return out;
  }

  private unit(bytes: Buffer): AccessUnit {
    const keyframe = startCodes(bytes, 0).some(
      (c) => c.nal < bytes.length && isKey(this.codec, nalType(this.codec, bytes[c.nal]!)),
    );
    return { bytes: Buffer.from(bytes), keyframe };
  }
}
