/**
 * RFC 5424 messages for the audit trail, framed for TLS transport as RFC 5425 asks
 * (octet counting: "LENGTH SP MESSAGE"). Facility 13 is "log audit".
 */
const FACILITY_AUDIT = 13;
const SEVERITY = { info: 6, warning: 4 } as const;
/** The private enterprise number RFC 5612 sets aside for documentation and examples. */
const SD_ID = 'campus-edge@32473';

export interface SyslogAudit {
  ts: number;
  hostname: string;
  appName: string;
  procId: number;
  msgId: string;
  ok: boolean | null;
  sd: Record<string, string | number>;
  text: string;
}

const printable = (s: string, max: number) => s.replace(/[^\x21-\x7e]/g, '_').slice(0, max) || '-';
/** Inside a structured-data value, `"`, `\` and `]` are escaped (RFC 5424 6.3.3). */
const sdValue = (v: string | number) => String(v).replace(/["\\\]]/g, (c) => `\\${c}`);

export function syslogMessage(m: SyslogAudit): string {
  const pri = FACILITY_AUDIT * 8 + (m.ok === false ? SEVERITY.warning : SEVERITY.info);
  const sd = `[${SD_ID}${Object.entries(m.sd)
    .map(([k, v]) => ` ${k}="${sdValue(v)}"`)
    .join('')}]`;
  // BOM marks the free text as UTF-8 (RFC 5424 6.4): names and classes are Chinese.
  return `<${pri}>1 ${new Date(m.ts).toISOString()} ${printable(m.hostname, 255)} ${printable(m.appName, 48)} ${m.procId} ${printable(m.msgId, 32)} ${sd} \ufeff${m.text}`;
}

export function octetFrame(message: string): Buffer {
  const body = Buffer.from(message, 'utf8');
  return Buffer.concat([Buffer.from(`${body.length} `), body]);
}
