/**
 * The SDP (RFC 4566) of a two-way G.711 call: the gateway's offer, and what it needs from the
 * centre's answer (RFC 3264): where to send audio and which law was chosen. Pure.
 */
import { G711_PT, type G711 } from './g711.ts';

export class AudioSdpError extends Error {}

export function audioOffer(host: string, port: number, codecs: readonly G711[], sessionId: number): string {
  const pts = codecs.map((c) => G711_PT[c]);
  return [
    'v=0',
    `o=campus-edge ${sessionId} ${sessionId} IN IP4 ${host}`,
    's=campus-edge talk-back',
    `c=IN IP4 ${host}`,
    't=0 0',
    `m=audio ${port} RTP/AVP ${pts.join(' ')}`,
    ...codecs.map((c) => `a=rtpmap:${G711_PT[c]} ${c}/8000`),
    'a=ptime:20',
    'a=sendrecv',
    '',
  ].join('\r\n');
}

export interface AudioAnswer {
  host: string;
  port: number;
  codec: G711;
  /** What the centre does with the audio: a held call (sendonly/inactive) sends the gateway nothing. */
  direction: 'sendrecv' | 'sendonly' | 'recvonly' | 'inactive';
}

/** The centre's answer: its audio address and the first of the offered laws it kept. */
export function parseAudioAnswer(text: string, offered: readonly G711[]): AudioAnswer {
  if (text.length > 8192) throw new AudioSdpError('SDP larger than 8 KB');
  const lines = text.split(/\r?\n/).filter(Boolean);
  const media = lines.findIndex((l) => l.startsWith('m=audio '));
  if (media < 0) throw new AudioSdpError('no audio media line (m=audio)');
  const m = /^m=audio (\d{1,5}) RTP\/AVP((?: \d{1,3})+)\s*$/.exec(lines[media]!);
  if (!m) throw new AudioSdpError(`an audio line this gateway cannot use: ${lines[media]!.slice(0, 60)}`);
  const port = Number(m[1]);
  if (port === 0) throw new AudioSdpError('the centre refused the audio (port 0)');
  if (port > 65535) throw new AudioSdpError('a port out of range');
  const pts = m[2]!.trim().split(' ').map(Number);
  const codec = offered.find((c) => pts.includes(G711_PT[c]));
  if (!codec) throw new AudioSdpError(`none of the laws offered (${offered.join(', ')}) in the answer`);
  // A media-level c= overrides the session's.
  const conn = [...lines.slice(media), ...lines.slice(0, media)].find((l) => l.startsWith('c='));
  const c = /^c=IN IP4 (\d{1,3}(?:\.\d{1,3}){3})/.exec(conn ?? '');
  if (!c) throw new AudioSdpError('no IPv4 connection address (c=)');
  const dir = lines
    .slice(media)
    .map((l) => /^a=(sendrecv|sendonly|recvonly|inactive)$/.exec(l)?.[1])
    .find(Boolean) as AudioAnswer['direction'] | undefined;
  return { host: c[1]!, port, codec, direction: dir ?? 'sendrecv' };
}
