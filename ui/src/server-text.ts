import { isMessageKey, type MessageParams, text } from '../../controller/core/message-catalog.ts';
import { lang } from './i18n.ts';

/** A server message (key and parameters) in the console's language; null when it carries no key this console knows. */
export function serverText(
  m: { code?: unknown; params?: Record<string, unknown> | null } | null | undefined,
): string | null {
  return m && isMessageKey(m.code) ? text(m.code, lang.value, (m.params ?? {}) as MessageParams) : null;
}
