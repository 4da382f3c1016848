import type { StoredEvent } from './api.ts';
import { type Key, t, tf } from './i18n.ts';
import { serverText } from './server-text.ts';

/**
 * A record as a sentence a guard reads, in the console's language: who did what where, not
 * JSON. Types without a sentence of their own still read as "type · field value, …".
 */
type D = Record<string, unknown>;
const str = (v: unknown) => (v === null || v === undefined ? '' : String(v));
const dir = (d: D) => t(d.direction === 'out' ? 'dirOut' : 'dirIn');
const who = (d: D) => str(d.cardholderId) || (d.card ? `${t('card')} ${str(d.card)}` : t('unknownPerson'));
const why = (d: D) => t(`why_${str(d.reason).replace(/-/g, '_')}` as Key);
const done = (ok: unknown) => t(ok ? 'resultDone' : 'resultFailed');
const actor = (a: unknown) => str((a as { name?: string } | undefined)?.name);
const alarm = (d: D) => (d.alarm ?? {}) as { message?: string; ackedBy?: string | null };

const SENTENCES: Record<string, (e: StoredEvent, d: D) => string> = {
  'access.granted': (_e, d) => tf('s_access_granted', { gate: str(d.gate), who: who(d), dir: dir(d) }),
  'access.denied': (_e, d) => tf('s_access_denied', { gate: str(d.gate), who: who(d), why: why(d) }),
  'access.passage': (_e, d) => tf('s_access_passage', { gate: str(d.gate), who: who(d), dir: dir(d) }),
  'access.not-passed': (_e, d) => tf('s_access_not_passed', { gate: str(d.gate), who: who(d) }),
  'gate.mode': (e, d) => tf('s_gate_mode', { gate: e.source, mode: t(`mode_${str(d.mode)}` as Key) }),
  'alarm.raised': (_e, d) => tf('s_alarm_raised', { message: str(alarm(d).message) }),
  'alarm.cleared': (_e, d) => tf('s_alarm_cleared', { message: str(alarm(d).message) }),
  'alarm.updated': (_e, d) => tf('s_alarm_updated', { message: str(alarm(d).message) }),
  'alarm.acknowledged': (_e, d) =>
    tf('s_alarm_acked', { by: str(alarm(d).ackedBy).replace(/^user:/, ''), message: str(alarm(d).message) }),
  'device.health': (e, d) =>
    tf('s_device_health', {
      device: e.source,
      health: t(str(d.health) as Key),
      detail: d.detail ? ` (${str(d.detail)})` : '',
    }),
  'command.result': (_e, d) =>
    tf('s_command', {
      actor: actor(d.actor),
      command: str(d.command),
      result: d.ok ? done(true) : `${done(false)} ${serverText(d) ?? str(d.error)}`.trim(),
    }),
  'audit.record': (_e, d) => tf('s_audit', { actor: actor(d.actor), what: str(d.what), result: done(d.ok) }),
  'env.reading': (e, d) =>
    tf('s_env', {
      device: e.source,
      room: str(d.room),
      readings: ((d.readings ?? []) as { point: string; value: number | null; unit: string; quality?: string }[])
        .map((r) => `${t(r.point as Key)} ${r.quality === 'bad' ? '?' : `${r.value} ${r.unit}`}`)
        .join(' · '),
    }),
  'alarm.clip': (_e, d) =>
    d.ok
      ? tf('s_alarm_clip', { camera: str(d.camera), before: str(d.beforeS), duration: str(d.durationS) })
      : tf('s_alarm_clip_failed', { camera: str(d.camera) }),
  'linkage.step': (_e, d) =>
    tf(d.ok ? 's_linkage_step' : 's_linkage_step_failed', {
      rule: str(d.ruleName),
      step: t(`do_${str(d.do).replace('.', '_')}` as Key),
      detail: serverText(d) ?? str(d.detail),
    }),
  'zone.state': (_e, d) =>
    tf('s_zone_state', { zone: str(d.name), state: t(`zone_${str(d.state)}` as Key), why: str(d.why) }),
  'linkage.notice': (_e, d) => tf('s_linkage_notice', { rule: str(d.ruleName), device: str(d.device) }),
  'output.state': (e, d) => tf(d.on ? 's_output_on' : 's_output_off', { name: str(d.name ?? e.source), by: str(d.by) }),
  'talkback.call': (e, d) =>
    tf(`s_talkback_${str(d.state)}` as Key, {
      button: e.source,
      attempt: str(d.attempt),
      ms: str(d.answerMs),
      seconds: str(d.durationS),
      why: str(d.detail ?? d.reason),
    }),
  'clip.uploaded': (_e, d) =>
    tf(d.ok ? 's_clip_uploaded' : 's_clip_not_uploaded', {
      camera: str(d.camera),
      parts: str(d.parts),
      seconds: str(d.seconds),
    }),
  'gb28181.link': (_e, d) => tf('s_gb_link', { platform: str(d.platform), state: t(`gb_${str(d.state)}` as Key) }),
  'gb28181.media': (_e, d) =>
    tf('s_gb_media', { platform: str(d.platform), camera: str(d.camera), state: t(`gb_${str(d.state)}` as Key) }),
  'gb28181.broadcast': (_e, d) =>
    tf('s_gb_broadcast', {
      platform: str(d.platform),
      zones: ((d.zones ?? []) as string[]).join('、'),
      state: t(`gb_${str(d.state)}` as Key),
    }),
  'gb28181.alarm-sent': (_e, d) =>
    tf('s_gb_alarm_sent', { platform: str(d.platform), channel: str(d.channel), result: done(d.delivered) }),
  'gb28181.query': (_e, d) =>
    tf('s_gb_query', { platform: str(d.platform), cmdType: str(d.cmdType), result: done(d.answered) }),
  'gb28181.clock-drift': (_e, d) =>
    tf('s_gb_drift', { platform: str(d.platform), seconds: (Number(d.driftMs) / 1000).toFixed(1) }),
  'scenario.started': (e, d) =>
    tf('s_scenario_started', {
      by: e.source.replace(/^user:/, ''),
      kind: t(d.kind === 'lockdown' ? 'lockdown' : d.kind === 'evacuation' ? 'evacuation' : 'allClear'),
      drill: d.drill ? `（${t('drill')}）` : '',
    }),
};

const plain = (d: D) =>
  Object.entries(d)
    .filter(([, v]) => v !== null && typeof v !== 'object')
    .map(([k, v]) => `${k} ${String(v)}`)
    .join(', ');

export function sentence(e: StoredEvent): string {
  const d = (e.data ?? {}) as D;
  const own = SENTENCES[e.type];
  if (own) return own(e, d);
  if (e.type.startsWith('camera.'))
    return tf('s_camera', {
      camera: e.source,
      what: e.type.slice('camera.'.length),
      state: d.active === false ? t('ended') : '',
    }).trim();
  return `${e.type} · ${e.source}${plain(d) ? ` · ${plain(d)}` : ''}`;
}

/** What a guard filters the log by, and the record topics each stands for. */
export const EVENT_CATEGORIES: { key: Key; topic: string }[] = [
  { key: 'cat_access', topic: 'events/access' },
  { key: 'cat_alarms', topic: 'alarms' },
  { key: 'cat_devices', topic: 'events/device' },
  { key: 'cat_video', topic: 'events/video' },
  { key: 'cat_environment', topic: 'telemetry' },
  { key: 'cat_emergency', topic: 'events/scenario' },
  { key: 'cat_commands', topic: 'cmd-result' },
  { key: 'cat_audit', topic: 'events/audit' },
  { key: 'cat_platforms', topic: 'events/gb28181' },
];
