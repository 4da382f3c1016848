import { useEffect, useRef, useState } from 'preact/hooks';
import { t } from '../i18n.ts';

/**
 * Live view over MSE: the controller sends the MIME type, the MP4 init
 * segment, then fragments; the player keeps to the live edge and a short buffer.
 */
export function LiveVideo({ cameraId }: { cameraId: string }) {
  const ref = useRef<HTMLVideoElement>(null);
  const [state, setState] = useState<'connecting' | 'playing' | 'lost' | 'unsupported' | 'queued'>('connecting');
  useEffect(() => {
    const video = ref.current!;
    const ms = new MediaSource();
    video.src = URL.createObjectURL(ms);
    const queue: ArrayBuffer[] = [];
    let sb: SourceBuffer | null = null;
    let closed = false;
    let ws: WebSocket | null = null;
    const pump = () => {
      if (!sb || sb.updating) return;
      const b = video.buffered;
      if (b.length && b.end(b.length - 1) - b.start(0) > 20) {
        sb.remove(b.start(0), b.end(b.length - 1) - 8);
        return;
      }
      const next = queue.shift();
      if (next) sb.appendBuffer(next);
      // Security staff need now, not smooth: stay within a few frames of the live edge.
      if (b.length && video.currentTime < b.end(b.length - 1) - 0.6) video.currentTime = b.end(b.length - 1) - 0.1;
    };
    const connect = () => {
      ws = new WebSocket(
        `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api/cameras/${encodeURIComponent(cameraId)}/live`,
      );
      ws.binaryType = 'arraybuffer';
      ws.onmessage = (m) => {
        if (typeof m.data === 'string') {
          const msg = JSON.parse(m.data) as { kind: string; mime: string };
          // The gateway transcodes one camera at a time; a second waits its turn and says so.
          if (msg.kind === 'queued') setState('queued');
          if (msg.kind !== 'init' || sb) return;
          if (!MediaSource.isTypeSupported(msg.mime)) {
            setState('unsupported');
            return;
          }
          sb = ms.addSourceBuffer(msg.mime);
          sb.mode = 'segments';
          sb.addEventListener('updateend', pump);
          return;
        }
        queue.push(m.data as ArrayBuffer);
        if (queue.length > 100) queue.splice(0, queue.length - 50);
        pump();
        if (video.paused)
          void video.play().then(
            () => setState('playing'),
            () => {},
          );
      };
      ws.onclose = () => {
        if (!closed) {
          setState('lost');
          setTimeout(connect, 2000);
        }
      };
    };
    ms.addEventListener('sourceopen', connect, { once: true });
    return () => {
      closed = true;
      ws?.close();
      URL.revokeObjectURL(video.src);
    };
  }, [cameraId]);
  return (
    <div class="live">
      <video
        ref={ref}
        muted
        autoplay
        playsInline
        data-testid="live-video"
        data-state={state}
        style="width:100%;background:#000"
      />
      {state !== 'playing' && <div class="muted">{t(`live_${state}`)}</div>}
    </div>
  );
}
