import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import { decodeG711, encodeG711, type G711, transcodeG711 } from './g711.ts';

/** A sweep over the whole 16-bit range, quiet to clipping, through both signs. */
const pcm = (() => {
  const b = Buffer.alloc(16000 * 2);
  for (let i = 0; i < 16000; i++) b.writeInt16LE(Math.round(Math.sin(i / 7) * 32767 * (i / 16000) ** 2), i * 2);
  return b;
})();

const ffmpeg = (args: string[], input: Buffer) =>
  execFileSync('ffmpeg', ['-v', 'error', ...args], { input, maxBuffer: 1 << 24 });

for (const [law, name] of [
  ['PCMA', 'alaw'],
  ['PCMU', 'mulaw'],
] as [G711, string][]) {
  test(`${law}: ffmpeg's decoder hears what was encoded, as closely as from its own encoder; decoding is byte for byte`, () => {
    const decode = (bytes: Buffer) =>
      ffmpeg(['-f', name, '-ar', '8000', '-ac', '1', '-i', 'pipe:0', '-f', 's16le', 'pipe:1'], bytes);
    const theirs = ffmpeg(['-f', 's16le', '-ar', '8000', '-ac', '1', '-i', 'pipe:0', '-f', name, 'pipe:1'], pcm);
    const mine = encodeG711(law, pcm);
    assert.equal(mine.length, theirs.length);
    const heardMine = decode(mine);
    const heardTheirs = decode(theirs);
    let same = 0;
    for (let i = 0; i < mine.length; i++) {
      if (mine[i] === theirs[i]) same++;
      const x = pcm.readInt16LE(i * 2);
      const errMine = Math.abs(heardMine.readInt16LE(i * 2) - x);
      const errTheirs = Math.abs(heardTheirs.readInt16LE(i * 2) - x);
      // The two differ only at decision levels, where either step is as near: never by more than the step.
      assert.ok(errMine <= errTheirs * 2 + 16, `sample ${i} (${x}): off by ${errMine}, ffmpeg by ${errTheirs}`);
    }
    assert.ok(same / mine.length > 0.95, `${same} of ${mine.length} bytes as ffmpeg encodes them`);
    const all = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    assert.deepEqual(decodeG711(law, all), decode(all), 'decoded the same');
  });
}

test('A-law to μ-law and back keeps the sound within a step', () => {
  const a = encodeG711('PCMA', pcm);
  const back = decodeG711('PCMA', transcodeG711('PCMU', 'PCMA', transcodeG711('PCMA', 'PCMU', a)));
  const orig = decodeG711('PCMA', a);
  let worst = 0;
  for (let i = 0; i < orig.length; i += 2) {
    const x = orig.readInt16LE(i);
    worst = Math.max(worst, Math.abs(back.readInt16LE(i) - x) / Math.max(64, Math.abs(x)));
  }
  assert.ok(worst < 0.13, `worst relative error ${worst}`);
  assert.equal(transcodeG711('PCMU', 'PCMU', a), a);
});
