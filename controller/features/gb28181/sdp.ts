/**
 * The SDP of a platform's INVITE for live video (GB/T 28181 §9.2, annex F) and the gateway's
 * answer: where to send (c=, m=), over UDP or TCP and which side connects (a=setup), and the
 * SSRC the platform chose (y=). Pure.
 */

export interface MediaOffer {
  session: string;
  host: string;
  port: number;
  transport: 'udp' | 'tcp';
  /** TCP only: the platform's role. Passive: the gateway connects to it. Active: it connects to the gateway. */
  setup: 'active' | 'passive' | null;
  ssrc: string;
  payloads: number[];
}

export class SdpError extends Error {}

export function parseOffer(text: string): MediaOffer {
  if (text.length > 8192) throw new SdpError('SDP larger than 8 KB');
  const lines = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean);
  const get = (k: string) => lines.find((l) => l.startsWith(`${k}=`))?.slice(2);
  const session = get('s') ?? '';
  // Playback and download (s=Playback, s=Download) need the camera's recordings, which the gateway does not serve.
  if (session && session !== 'Play') throw new SdpError(`only live video (s=Play) is served, not s=${session}`);
  const c = /^IN IP4 (\d{1,3}(?:\.\d{1,3}){3})$/.exec(get('c') ?? '');
  if (!c) throw new SdpError('no IPv4 connection address (c=)');
  const m = /^video (\d{1,5}) (RTP\/AVP|TCP\/RTP\/AVP) ([\d ]+)$/.exec(get('m') ?? '');
  if (!m) throw new SdpError('no video media line (m=)');
  const port = Number(m[1]);
  if (port < 1 || port > 65535) throw new SdpError('a port out of range');
  const payloads = m[3]!.trim().split(/\s+/).map(Number);
  if (!payloads.includes(96)) throw new SdpError('the platform does not offer PS (payload type 96)');
  const setup = /^setup:(active|passive)$/.exec(lines.find((l) => l.startsWith('a=setup:'))?.slice(2) ?? '')?.[1] as
    | 'active'
    | 'passive'
    | undefined;
  const ssrc = get('y') ?? '';
  if (!/^\d{10}$/.test(ssrc)) throw new SdpError('no 10-digit SSRC (y=)');
  const transport = m[2] === 'RTP/AVP' ? 'udp' : 'tcp';
  return {
    session,
    host: c[1]!,
    port,
    transport,
    setup: transport === 'tcp' ? (setup ?? 'passive') : null,
    ssrc,
    payloads,
  };
}

/** The answer: the gateway sends PS from its address; over TCP it takes the role the platform left. */
export function answer(o: MediaOffer, channelId: string, host: string, port: number): string {
  return [
    'v=0',
    `o=${channelId} 0 0 IN IP4 ${host}`,
    `s=${o.session || 'Play'}`,
    `c=IN IP4 ${host}`,
    't=0 0',
    `m=video ${port} ${o.transport === 'udp' ? 'RTP/AVP' : 'TCP/RTP/AVP'} 96`,
    'a=sendonly',
    'a=rtpmap:96 PS/90000',
    ...(o.transport === 'tcp' ? [`a=setup:${o.setup === 'passive' ? 'active' : 'passive'}`, 'a=connection:new'] : []),
    `y=${o.ssrc}`,
    'f=',
    '',
  ].join('\r\n');
}
