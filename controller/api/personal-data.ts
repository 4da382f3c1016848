import { may, type Role } from '../core/roles.ts';

/** Fields that name or identify a person (minors, mostly): a cardholder's id, card number or name. */
const PERSONAL_KEYS = new Set(['cardholderId', 'card', 'name', 'holder', 'cardholders']);
/** Topics that are the audit trail: commands, who gave them and how they went. */
const AUDIT_TOPICS = ['events/audit', 'cmd-result'];

export const REDACTED = '[hidden]';

/** Which records a role's event search may reach, and whether its text search may look inside them. */
export function eventScope(role: Role): { excludeTopics: string[]; searchData: boolean } {
  return { excludeTopics: may(role, 'audit.read') ? [] : AUDIT_TOPICS, searchData: may(role, 'people.read') };
}

export const seesTopic = (role: Role, topic: string) => may(role, 'audit.read') || !AUDIT_TOPICS.includes(topic);

function redact(value: unknown, depth = 0): unknown {
  if (depth > 8 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [k, PERSONAL_KEYS.has(k) && v !== null ? REDACTED : redact(v, depth + 1)]),
  );
}

/** A record (event or alarm) as a role may read it: personal fields hidden from roles without `people.read`. */
export function asSeenBy<T extends { data: unknown }>(role: Role, record: T): T {
  return may(role, 'people.read') ? record : { ...record, data: redact(record.data) };
}
