import { XMLParser } from 'fast-xml-parser';
import iconv from 'iconv-lite';
import { xmlText } from '../../../drivers/video/xml-text.ts';

/**
 * MANSCDP (GB/T 28181 annex A): the XML bodies of MESSAGE requests. Platforms write them in
 * GB2312 (the 2016 text's default) or UTF-8 and say so in the declaration; names must go back
 * in the encoding the platform expects. Pure.
 */

export type ManscdpRoot = 'Query' | 'Control' | 'Notify' | 'Response';
export interface Manscdp {
  root: ManscdpRoot;
  cmdType: string;
  sn: number;
  deviceId: string;
  /** The other elements, as fast-xml-parser reads them (text as strings, repeated elements as arrays). */
  fields: Record<string, unknown>;
}
export type Encoding = 'GB2312' | 'UTF-8';

export class ManscdpError extends Error {}

const MAX_BYTES = 64 * 1024;
const ROOTS: readonly ManscdpRoot[] = ['Query', 'Control', 'Notify', 'Response'];
const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  parseTagValue: false,
  trimValues: true,
  processEntities: true,
  isArray: (name) => name === 'Item',
});

/** The declared encoding, GB2312 when the declaration names GB2312, GBK or GB18030 (one superset reads them all). */
function declared(bytes: Buffer): Encoding {
  const decl = /^\s*<\?xml[^>]*encoding\s*=\s*["']([\w-]+)["']/i.exec(bytes.toString('latin1', 0, 200));
  return decl && /^gb/i.test(decl[1]!) ? 'GB2312' : 'UTF-8';
}

export function parseManscdp(bytes: Buffer): Manscdp & { encoding: Encoding } {
  if (bytes.length > MAX_BYTES) throw new ManscdpError('body larger than 64 KB');
  const encoding = declared(bytes);
  const text = encoding === 'GB2312' ? iconv.decode(bytes, 'gb18030') : bytes.toString('utf8');
  // No document type: entity definitions are how XML bombs and external reads get in.
  if (/<!DOCTYPE|<!ENTITY/i.test(text)) throw new ManscdpError('a document type declaration');
  let doc: Record<string, unknown>;
  try {
    doc = parser.parse(text, true) as Record<string, unknown>;
  } catch (err) {
    throw new ManscdpError(`not XML: ${(err as Error).message.slice(0, 80)}`);
  }
  const root = ROOTS.find((r) => r in doc);
  if (!root) throw new ManscdpError('no Query, Control, Notify or Response element');
  const body = doc[root];
  if (!body || typeof body !== 'object') throw new ManscdpError(`an empty ${root}`);
  const { CmdType, SN, ...fields } = body as Record<string, unknown>;
  if (typeof CmdType !== 'string' || !/^\w{1,32}$/.test(CmdType)) throw new ManscdpError('no CmdType');
  if (typeof SN !== 'string' || !/^\d{1,10}$/.test(SN)) throw new ManscdpError('no SN, or not a number');
  // A broadcast notification names its target (TargetID, §A.2.5) where other bodies name a DeviceID.
  const broadcast = root === 'Notify' && CmdType === 'Broadcast';
  const DeviceID = broadcast ? fields.TargetID : fields.DeviceID;
  delete fields.DeviceID;
  if (broadcast && (typeof fields.SourceID !== 'string' || !/^\d{20}$/.test(fields.SourceID)))
    throw new ManscdpError('SourceID is not 20 digits');
  if (typeof DeviceID !== 'string' || !/^\d{20}$/.test(DeviceID)) throw new ManscdpError('DeviceID is not 20 digits');
  return { root, cmdType: CmdType, sn: Number(SN), deviceId: DeviceID, fields, encoding };
}

/** A value as an element; nested objects become elements, arrays repeat the element, attributes start with @. */
function element(name: string, value: unknown): string {
  if (Array.isArray(value)) return value.map((v) => element(name, v)).join('');
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value);
    const attrs = entries.filter(([k]) => k.startsWith('@')).map(([k, v]) => ` ${k.slice(1)}="${xmlText(String(v))}"`);
    const children = entries.filter(([k]) => !k.startsWith('@')).map(([k, v]) => element(k, v));
    return `<${name}${attrs.join('')}>${children.join('')}</${name}>`;
  }
  return `<${name}>${xmlText(String(value ?? ''))}</${name}>`;
}

/** A MANSCDP body in the platform's encoding. */
export function writeManscdp(m: Manscdp, encoding: Encoding = 'GB2312'): Buffer {
  const xml = `<?xml version="1.0" encoding="${encoding}"?>\r\n${element(m.root, {
    CmdType: m.cmdType,
    SN: m.sn,
    DeviceID: m.deviceId,
    ...m.fields,
  })}\r\n`;
  return encoding === 'GB2312' ? iconv.encode(xml, 'gb18030') : Buffer.from(xml, 'utf8');
}
