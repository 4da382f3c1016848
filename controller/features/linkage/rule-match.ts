/** Which linkage rules an alarm sets off (联动): pure, so that every case can be tested and compared. */
import type { SiteConfig } from '../../config/types.ts';
import { inInterval, type LocalTime } from '../access/decide.ts';

export type LinkageRule = SiteConfig['linkage']['rules'][number];
export type LinkageStep = LinkageRule['steps'][number];
type Interval = NonNullable<LinkageRule['when']['during']>[number];

const RANK = { info: 0, warning: 1, major: 2, critical: 3 } as const;

/** What a rule is matched on: the alarm as raised, where it is, and the school's time then. */
export interface AlarmFacts {
  type: string;
  source: string;
  severity: keyof typeof RANK;
  place: string | null;
  at: LocalTime;
}

const minutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3));

/** Within an interval; one that ends before it starts runs past midnight into the next day. */
export function within(at: LocalTime, i: Interval): boolean {
  if (minutes(i.from) <= minutes(i.to)) return inInterval(at, i);
  const yesterday = at.weekday === 1 ? 7 : at.weekday - 1;
  return (
    (i.days.includes(at.weekday) && at.minutes >= minutes(i.from)) ||
    (i.days.includes(yesterday) && at.minutes < minutes(i.to))
  );
}

/** A kind names a type exactly, or its first parts (camera matches camera.intrusion). */
const kindMatches = (kind: string, type: string) => type === kind || type.startsWith(`${kind}.`);

export function ruleMatches(rule: LinkageRule, a: AlarmFacts): boolean {
  const w = rule.when;
  if (!rule.enabled) return false;
  if (!w.kind.some((k) => kindMatches(k, a.type))) return false;
  if (w.devices && !w.devices.includes(a.source)) return false;
  if (w.places && !(a.place !== null && w.places.includes(a.place))) return false;
  if (w.severity && RANK[a.severity] < RANK[w.severity as keyof typeof RANK]) return false;
  if (w.during && !w.during.some((i) => within(a.at, i))) return false;
  return true;
}

/** The rules a site runs: the product's defaults unless turned off, each replaced by a site rule of its id. */
export function siteRules(section: SiteConfig['linkage'], defaults: readonly LinkageRule[]): LinkageRule[] {
  const own = new Set(section.rules.map((r) => r.id));
  return [...(section.defaults ? defaults.filter((r) => !own.has(r.id)) : []), ...section.rules];
}

/** The cameras a site's rules cut clips from: each keeps a pre-alarm buffer. */
export const clipCameras = (config: SiteConfig, defaults: readonly LinkageRule[] = []): string[] => [
  ...new Set(
    siteRules(config.linkage, defaults).flatMap((r) => r.steps.flatMap((s) => (s.do === 'clip' ? s.cameras : []))),
  ),
];
