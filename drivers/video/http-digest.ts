import { createHash, randomBytes } from 'node:crypto';

/** HTTP Digest (RFC 7616, qop=auth, MD5 or SHA-256) and Basic, for camera snapshot URIs. Pure but for the cnonce. */

export interface DigestChallenge {
  realm: string;
  nonce: string;
  qop?: string;
  algorithm?: string;
  opaque?: string;
}

export function parseChallenge(header: string): DigestChallenge | null {
  if (!/^Digest\s/i.test(header)) return null;
  const params: Record<string, string> = {};
  for (const m of header.slice(7).matchAll(/(\w+)=(?:"([^"]*)"|([^,\s]+))/g))
    params[m[1]!.toLowerCase()] = m[2] ?? m[3]!;
  if (!params.realm || !params.nonce) return null;
  return {
    realm: params.realm,
    nonce: params.nonce,
    qop: params.qop,
    algorithm: params.algorithm,
    opaque: params.opaque,
  };
}

export interface DigestRequest {
  username: string;
  password: string;
  method: string;
  uri: string;
  nc?: number;
  cnonce?: string;
}

export function digestAuthorization(c: DigestChallenge, r: DigestRequest): string {
  const alg = (c.algorithm ?? 'MD5').toUpperCase().replace('-SESS', '');
  const h = (s: string) =>
    createHash(alg === 'SHA-256' ? 'sha256' : 'md5')
      .update(s)
      .digest('hex');
  const nc = (r.nc ?? 1).toString(16).padStart(8, '0');
  const cnonce = r.cnonce ?? randomBytes(8).toString('hex');
  const ha1 = h(`${r.username}:${c.realm}:${r.password}`);
  const ha2 = h(`${r.method}:${r.uri}`);
  const qop = c.qop
    ?.split(',')
    .map((q) => q.trim())
    .includes('auth')
    ? 'auth'
    : undefined;
  const response = qop ? h(`${ha1}:${c.nonce}:${nc}:${cnonce}:${qop}:${ha2}`) : h(`${ha1}:${c.nonce}:${ha2}`);
  const parts = [
    `username="${r.username}"`,
    `realm="${c.realm}"`,
    `nonce="${c.nonce}"`,
    `uri="${r.uri}"`,
    `response="${response}"`,
  ];
  if (c.algorithm) parts.push(`algorithm=${c.algorithm}`);
  if (qop) parts.push(`qop=${qop}`, `nc=${nc}`, `cnonce="${cnonce}"`);
  if (c.opaque) parts.push(`opaque="${c.opaque}"`);
  return `Digest ${parts.join(', ')}`;
}

/** GET with whatever the server asks for: none, Basic or Digest. */
export async function fetchWithAuth(
  url: string,
  username: string,
  password: string,
  timeoutMs: number,
): Promise<Response> {
  const first = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  if (first.status !== 401) return first;
  await first.arrayBuffer();
  const challenge = first.headers.get('www-authenticate') ?? '';
  const u = new URL(url);
  const authorization = /^Basic/i.test(challenge)
    ? `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`
    : (() => {
        const c = parseChallenge(challenge);
        if (!c) throw new Error(`unsupported authentication: ${challenge.split(' ')[0] || 'none offered'}`);
        return digestAuthorization(c, { username, password, method: 'GET', uri: u.pathname + u.search });
      })();
  return fetch(url, { headers: { authorization }, signal: AbortSignal.timeout(timeoutMs) });
}
