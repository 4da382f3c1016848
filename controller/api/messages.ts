import type { FastifyRequest } from 'fastify';
import { type MessageKey, type MessageLang, type MessageParams, text } from '../core/message-catalog.ts';

/** Chinese first: a browser set to Chinese, or one that names no language, reads Chinese. */
export function requestLang(acceptLanguage: string | undefined): MessageLang {
  const first = acceptLanguage?.split(',')[0]?.trim().toLowerCase();
  return first?.startsWith('en') ? 'en' : 'zh-CN';
}

/** An error body: the text in the asker's language, and the key and parameters, which the console translates itself. */
export function msg(req: Pick<FastifyRequest, 'headers'>, key: MessageKey, params: MessageParams = {}) {
  return { error: text(key, requestLang(req.headers['accept-language']), params), code: key, params };
}
