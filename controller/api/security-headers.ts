import type { FastifyInstance } from 'fastify';

/**
 * No script but the console's own files, no framing (the gate buttons cannot be overlaid from
 * another page, another port of this host included), no sniffing, no referrer (board keys are in
 * URLs). Styles may be inline: the kiosk page and Preact's style attributes use them, and a style
 * runs no code. Anything behind a session is personal or live, so no cache keeps it.
 */
const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "media-src 'self' blob:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

export function securityHeaders(app: FastifyInstance, tls: boolean): void {
  app.addHook('onSend', async (req, reply, payload) => {
    reply.header('content-security-policy', CSP);
    reply.header('x-frame-options', 'DENY');
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'no-referrer');
    reply.header('cross-origin-opener-policy', 'same-origin');
    if (tls) reply.header('strict-transport-security', 'max-age=31536000');
    const access = req.routeOptions.config?.access;
    // The board's page carries its key; everything behind a session is personal or live.
    if (access !== 'public' || req.routeOptions.url === '/board/:id') reply.header('cache-control', 'no-store');
    return payload;
  });
}
