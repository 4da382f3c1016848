/**
 * SIP messages (RFC 3261 §7) as GB/T 28181 platforms send them: a strict parser and a writer.
 * Pure. Whatever a platform sends is bounded (size, header count, line length) and a message
 * that is not well formed is refused with the reason, never half-read.
 */

export interface SipRequest {
  kind: 'request';
  method: string;
  uri: string;
  headers: SipHeader[];
  body: Buffer;
}
export interface SipResponse {
  kind: 'response';
  status: number;
  reason: string;
  headers: SipHeader[];
  body: Buffer;
}
export type SipMessage = SipRequest | SipResponse;
export type SipHeader = [name: string, value: string];

export const SIP_LIMITS = { maxBytes: 65_535, maxHeaders: 80, maxLine: 4096 } as const;

/** RFC 3261 §7.3.3: the compact forms, as the long names they stand for. */
const COMPACT: Record<string, string> = {
  v: 'via',
  f: 'from',
  t: 'to',
  i: 'call-id',
  m: 'contact',
  l: 'content-length',
  c: 'content-type',
  k: 'supported',
  s: 'subject',
  e: 'content-encoding',
  o: 'event',
};
const canonical = (name: string) => {
  const n = name.toLowerCase();
  return COMPACT[n] ?? n;
};

export type ParseResult =
  | { ok: true; message: SipMessage; consumed: number }
  | { ok: false; incomplete: true }
  | { ok: false; incomplete?: false; error: string };

// A URI is ASCII (RFC 3986): other bytes in it are someone's mistake or someone's attack.
const REQUEST_LINE = /^([A-Z]{2,16}) (sips?:[!-~]{1,1024}) SIP\/2\.0$/;
const STATUS_LINE = /^SIP\/2\.0 ([1-6]\d\d) ([^\r\n]{0,256})$/;
const TOKEN = /^[A-Za-z0-9!%*_+`'~.-]{1,64}$/;
const REQUIRED = ['via', 'from', 'to', 'call-id', 'cseq'];

/**
 * One message from the start of `buf`. On a stream (TCP) the body's length must be given and
 * a message not yet whole is `incomplete`; on a datagram (UDP) the datagram is the message.
 */
export function parseSip(buf: Buffer, stream: boolean): ParseResult {
  const end = buf.indexOf('\r\n\r\n');
  if (end < 0) {
    if (buf.length > SIP_LIMITS.maxBytes) return { ok: false, error: 'headers larger than 64 KB' };
    return stream ? { ok: false, incomplete: true } : { ok: false, error: 'no blank line after the headers' };
  }
  if (end > SIP_LIMITS.maxBytes) return { ok: false, error: 'headers larger than 64 KB' };
  const head = buf.toString('latin1', 0, end);
  if (/[\0]/.test(head)) return { ok: false, error: 'a NUL byte in the headers' };
  // Lines end in CRLF only; a lone CR or LF would let a header smuggle another one through.
  if (/\r(?!\n)|(?<!\r)\n/.test(head)) return { ok: false, error: 'a bare CR or LF in the headers' };
  const lines = head.split('\r\n');
  const start = lines.shift()!;
  const headers: SipHeader[] = [];
  for (const line of lines) {
    if (line.length > SIP_LIMITS.maxLine) return { ok: false, error: 'a header line longer than 4096 bytes' };
    if (/^[ \t]/.test(line)) {
      // A folded line continues the header before it (RFC 3261 §7.3.1).
      const last = headers.at(-1);
      if (!last) return { ok: false, error: 'a continuation line before any header' };
      // A blank continuation adds nothing (and must not leave a trailing space the next reader trims).
      const more = line.trim();
      if (more) last[1] = `${last[1]} ${more}`;
      continue;
    }
    const colon = line.indexOf(':');
    const name = colon > 0 ? line.slice(0, colon).trim() : '';
    if (!TOKEN.test(name)) return { ok: false, error: `not a header line: ${JSON.stringify(line.slice(0, 60))}` };
    headers.push([canonical(name), line.slice(colon + 1).trim()]);
    if (headers.length > SIP_LIMITS.maxHeaders) return { ok: false, error: 'more than 80 headers' };
  }
  const get = (n: string) => headers.find(([k]) => k === n)?.[1];
  for (const n of REQUIRED) if (get(n) === undefined) return { ok: false, error: `no ${n} header` };
  const cseq = /^(\d{1,10}) ([A-Z]{2,16})$/.exec(get('cseq')!);
  if (!cseq) return { ok: false, error: `a malformed CSeq: ${get('cseq')!.slice(0, 40)}` };

  const lengths = headers.filter(([k]) => k === 'content-length').map(([, v]) => v);
  if (new Set(lengths).size > 1) return { ok: false, error: 'two different Content-Lengths' };
  const declared = lengths[0];
  if (declared !== undefined && !/^\d{1,6}$/.test(declared)) return { ok: false, error: 'a malformed Content-Length' };
  const bodyStart = end + 4;
  const available = buf.length - bodyStart;
  let length: number;
  if (declared === undefined) {
    if (stream) return { ok: false, error: 'no Content-Length on a stream' };
    length = available;
  } else {
    length = Number(declared);
    if (bodyStart + length > SIP_LIMITS.maxBytes) return { ok: false, error: 'a message larger than 64 KB' };
    if (length > available)
      return stream
        ? { ok: false, incomplete: true }
        : { ok: false, error: 'the body is shorter than its Content-Length' };
  }
  const body = Buffer.from(buf.subarray(bodyStart, bodyStart + length));
  const consumed = bodyStart + length;

  const req = REQUEST_LINE.exec(start);
  if (req) {
    if (req[1] !== cseq[2]) return { ok: false, error: `CSeq method ${cseq[2]} is not the request's ${req[1]}` };
    return { ok: true, consumed, message: { kind: 'request', method: req[1]!, uri: req[2]!, headers, body } };
  }
  const res = STATUS_LINE.exec(start);
  if (res)
    return {
      ok: true,
      consumed,
      message: { kind: 'response', status: Number(res[1]), reason: res[2]!, headers, body },
    };
  return { ok: false, error: `not a SIP start line: ${JSON.stringify(start.slice(0, 60))}` };
}

/** The first value of a header (by its long name, any case). */
export const header = (m: SipMessage, name: string): string | undefined =>
  m.headers.find(([k]) => canonical(k) === canonical(name))?.[1];

/** Every value of a header, in order (Via, several WWW-Authenticate). */
export const headers = (m: SipMessage, name: string): string[] =>
  m.headers.filter(([k]) => canonical(k) === canonical(name)).map(([, v]) => v);

/** A header parameter: `;tag=abc` in From, `branch` in Via, `expires` in Contact. */
export function param(value: string, name: string): string | undefined {
  const m = new RegExp(`;\\s*${name}=("[^"]*"|[^;,\\s]+)`, 'i').exec(value);
  return m ? m[1]!.replace(/^"|"$/g, '') : undefined;
}

const PRETTY: Record<string, string> = {
  via: 'Via',
  from: 'From',
  to: 'To',
  'call-id': 'Call-ID',
  cseq: 'CSeq',
  contact: 'Contact',
  'content-type': 'Content-Type',
  'content-length': 'Content-Length',
  'max-forwards': 'Max-Forwards',
  'user-agent': 'User-Agent',
  'www-authenticate': 'WWW-Authenticate',
  authorization: 'Authorization',
  expires: 'Expires',
  subject: 'Subject',
  event: 'Event',
  'subscription-state': 'Subscription-State',
  date: 'Date',
};
const pretty = (n: string) => PRETTY[n] ?? n.replace(/(^|-)([a-z])/g, (_, d: string, c: string) => d + c.toUpperCase());

/** UTF-8 text (a Subject with a Chinese name) as a header value: its bytes, one character each. */
export const utf8Header = (text: string): string => Buffer.from(text, 'utf8').toString('latin1');

/** The bytes of a message: its headers in order, Content-Length always written from the body. */
export function writeSip(m: SipMessage): Buffer {
  const start = m.kind === 'request' ? `${m.method} ${m.uri} SIP/2.0` : `SIP/2.0 ${m.status} ${m.reason}`;
  const lines = [start];
  for (const [k, v] of m.headers) {
    if (canonical(k) === 'content-length') continue;
    // Header values come from the site file and from platforms: no line breaks may get through.
    if (/[\r\n]/.test(v)) throw new Error(`a line break in the ${k} header`);
    // Headers are bytes (latin1 strings, as parsed): UTF-8 text comes already encoded (utf8Header), or
    // a character past U+00FF would be cut to one byte, a NUL for 一.
    if ([...v].some((ch) => ch.charCodeAt(0) > 0xff))
      throw new Error(`the ${k} header has text that is not encoded to bytes`);
    lines.push(`${pretty(canonical(k))}: ${v}`);
  }
  lines.push(`Content-Length: ${m.body.length}`);
  return Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1'), m.body]);
}
