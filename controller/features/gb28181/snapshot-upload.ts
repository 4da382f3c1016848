/**
 * The 2022 edition's snapshot command (图像抓拍: DeviceConfig with SnapShotConfig): the platform
 * asks a camera channel for SnapNum pictures, Interval seconds apart, uploaded by HTTP to its
 * UploadURL, then told with an UploadSnapShotFinished notification naming each file. The
 * upload goes only to the platform's own host: a URL elsewhere would let a platform make the
 * gateway reach into the school's network.
 */

export interface SnapshotOrder {
  snapNum: number;
  intervalS: number;
  url: URL;
  sessionId: string;
}

export class SnapshotOrderError extends Error {}

export function snapshotOrder(config: unknown, platformHost: string): SnapshotOrder {
  const c = (config ?? {}) as Record<string, unknown>;
  const snapNum = Number(c.SnapNum);
  const intervalS = Number(c.Interval);
  if (!Number.isInteger(snapNum) || snapNum < 1 || snapNum > 10)
    throw new SnapshotOrderError('SnapNum must be 1 to 10');
  if (!Number.isInteger(intervalS) || intervalS < 1 || intervalS > 60)
    throw new SnapshotOrderError('Interval must be 1 to 60 s');
  const sessionId = String(c.SessionID ?? '');
  if (!/^[\w-]{1,128}$/.test(sessionId))
    throw new SnapshotOrderError('SessionID must be 1 to 128 letters, digits, _ or -');
  let url: URL;
  try {
    url = new URL(String(c.UploadURL ?? ''));
  } catch {
    throw new SnapshotOrderError('UploadURL is not a URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new SnapshotOrderError('UploadURL must be HTTP or HTTPS');
  if (url.hostname !== platformHost)
    throw new SnapshotOrderError(`UploadURL must be on the platform's own host (${platformHost}), not ${url.hostname}`);
  return { snapNum, intervalS, url, sessionId };
}

/** A picture's file id: the channel, the local time to the second, and its number in the order. */
export const snapshotFileId = (channel: string, localTime: string, n: number) =>
  `${channel}${localTime.replace(/\D/g, '')}${String(n).padStart(2, '0')}`;

/**
 * Takes the pictures and uploads each (HTTP POST, image/jpeg); the ids of those uploaded. A
 * failed picture or upload stops the order: the platform hears of what was done.
 */
export async function takeAndUpload(
  order: SnapshotOrder,
  snapshot: () => Promise<Buffer>,
  fileId: (n: number) => string,
  wait: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
): Promise<{ files: string[]; error: string | null }> {
  const files: string[] = [];
  for (let n = 1; n <= order.snapNum; n++) {
    if (n > 1) await wait(order.intervalS * 1000);
    try {
      const jpeg = await snapshot();
      const id = fileId(n);
      const url = new URL(order.url);
      url.searchParams.set('SessionID', order.sessionId);
      url.searchParams.set('FileID', id);
      const r = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'image/jpeg' },
        body: new Uint8Array(jpeg),
        signal: AbortSignal.timeout(10_000),
      });
      if (!r.ok) return { files, error: `the upload was answered ${r.status}` };
      files.push(id);
    } catch (err) {
      return { files, error: (err as Error).message };
    }
  }
  return { files, error: null };
}
