import { parse as parseStream } from 'csv-parse';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import type { Cardholder } from './types.ts';
import { safeCell, unsafeCell } from '../../core/csv-cell.ts';

/** Columns of the cardholder CSV, as the console imports and exports it. */
export const CSV_COLUMNS = [
  'id',
  'name',
  'kind',
  'class',
  'card',
  'valid_from',
  'valid_to',
  'enabled',
  'groups',
] as const;

export interface CsvProblem {
  line: number;
  field: string;
  message: string;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

const OPTIONS = {
  columns: true,
  bom: true,
  skip_empty_lines: true,
  trim: true,
  cast: (value: string) => unsafeCell(value),
} as const;
export type CsvResult = { cardholders: Cardholder[]; problems: CsvProblem[] };
const unreadable = (err: unknown): CsvResult => {
  const e = err as Error & { lines?: number };
  return { cardholders: [], problems: [{ line: e.lines ?? 1, field: '', message: e.message }] };
};

/**
 * Parses a cardholder CSV (UTF-8, optional BOM, header row). Every problem is
 * reported with its line and column, and nothing is imported if there is one.
 */
export function parseCardholderCsv(text: string): CsvResult {
  let rows: Record<string, string>[];
  try {
    rows = parse(text, OPTIONS);
  } catch (err) {
    return unreadable(err);
  }
  return validateRows(rows);
}

/** A CSV file's text and the encoding it was read in, or why it could not be read. */
export type DecodedCsv = { text: string; encoding: string } | { problem: CsvProblem };

/**
 * Reads a file's bytes as text: the charset the upload names, else UTF-8 (with or without a BOM),
 * UTF-16 with its BOM (Excel's "Unicode text"), else GB18030, the superset of GBK that Excel on
 * Chinese Windows writes. Bytes that fit none of them are refused, never stored as mojibake.
 */
export function decodeCsvBytes(bytes: Uint8Array, charset?: string): DecodedCsv {
  const refuse = (message: string): DecodedCsv => ({ problem: { line: 1, field: '', message } });
  const attempt = (label: string): DecodedCsv | null => {
    try {
      const decoder = new TextDecoder(label, { fatal: true });
      return { text: decoder.decode(bytes), encoding: decoder.encoding };
    } catch {
      return null;
    }
  };
  if (charset) {
    try {
      new TextDecoder(charset);
    } catch {
      return refuse(`unknown charset "${charset}": send UTF-8 or GB18030 (GBK) (不支持的字符集)`);
    }
    return attempt(charset) ?? refuse(`the file is not valid ${charset} (文件编码与声明不符)`);
  }
  const bom =
    bytes[0] === 0xff && bytes[1] === 0xfe ? 'utf-16le' : bytes[0] === 0xfe && bytes[1] === 0xff ? 'utf-16be' : null;
  const decoded = bom ? attempt(bom) : (attempt('utf-8') ?? attempt('gb18030'));
  if (!decoded)
    return refuse(
      'the file is neither UTF-8 nor GB18030 (GBK): save it from Excel as "CSV UTF-8" (文件既非 UTF-8 也非 GBK，请在 Excel 中另存为“CSV UTF-8”)',
    );
  // U+FFFD is what a client that read GBK as UTF-8 sends: the names were lost before they arrived.
  if ('text' in decoded && decoded.text.includes('\ufffd'))
    return refuse(
      'the file holds unreadable characters (U+FFFD): it was converted from another encoding and lost its names; send the original file (文件含无法识别的字符，姓名已丢失，请上传原始文件)',
    );
  return decoded;
}

/** Rows a school may import at once: far more than the largest school has people. */
export const MAX_IMPORT_ROWS = 20_000;
const SLICE = 32 * 1024;
const tooMany = (max: number): CsvResult => ({
  cardholders: [],
  problems: [{ line: max + 2, field: '', message: `more than ${max} cardholders in one file: split it` }],
});

/**
 * The same, for the console's import: the text is fed to the parser a slice at a time with the
 * event loop free in between, so that card readers and relays, which share it, are not held up.
 */
export async function readCardholderCsv(text: string, maxRows = MAX_IMPORT_ROWS): Promise<CsvResult> {
  const rows: Record<string, string>[] = [];
  const parser = parseStream(OPTIONS);
  let failed: unknown = null;
  parser.on('readable', () => {
    let r: unknown;
    while ((r = parser.read()) !== null) rows.push(r as Record<string, string>);
  });
  parser.on('error', (err) => {
    failed = err;
  });
  const done = new Promise<void>((resolve) => {
    parser.on('end', resolve);
    parser.on('error', () => resolve());
  });
  for (let at = 0; at < text.length && !failed; at += SLICE) {
    parser.write(text.slice(at, at + SLICE));
    if (rows.length > maxRows) return tooMany(maxRows);
    await new Promise((r) => setImmediate(r));
  }
  parser.end();
  await done;
  if (failed) return unreadable(failed);
  if (rows.length > maxRows) return tooMany(maxRows);
  return validateRows(rows);
}

function validateRows(rows: Record<string, string>[]): CsvResult {
  const problems: CsvProblem[] = [];
  const header = Object.keys(rows[0] ?? {});
  for (const col of ['id', 'name', 'kind', 'card'])
    if (rows.length && !header.includes(col)) problems.push({ line: 1, field: col, message: 'missing column' });
  const cards = new Map<string, number>();
  const cardholders = rows.map((r, i): Cardholder => {
    const line = i + 2;
    const bad = (field: string, message: string) => problems.push({ line, field, message });
    if (!r.id) bad('id', 'required');
    if (!r.name) bad('name', 'required');
    if (!['student', 'staff', 'visitor'].includes(r.kind ?? '')) bad('kind', 'must be student, staff or visitor');
    if (!/^\d{1,20}$/.test(r.card ?? '')) bad('card', 'must be the card number in decimal');
    else if (cards.has(r.card!)) bad('card', `same card as line ${cards.get(r.card!)}`);
    else cards.set(r.card!, line);
    for (const f of ['valid_from', 'valid_to']) if (r[f] && !DATE.test(r[f]!)) bad(f, 'must be YYYY-MM-DD');
    if (r.enabled && !['true', 'false', '1', '0', 'yes', 'no'].includes(r.enabled.toLowerCase()))
      bad('enabled', 'must be true or false');
    return {
      id: r.id ?? '',
      name: r.name ?? '',
      kind: r.kind as Cardholder['kind'],
      class: r.class || null,
      card: r.card ?? '',
      validFrom: r.valid_from || null,
      validTo: r.valid_to || null,
      enabled: !['false', '0', 'no'].includes((r.enabled ?? 'true').toLowerCase()),
      groups: (r.groups ?? '')
        .split('|')
        .map((g) => g.trim())
        .filter(Boolean),
    };
  });
  return { cardholders: problems.length ? [] : cardholders, problems };
}

export function cardholderCsv(list: readonly Cardholder[]): string {
  return (
    '\ufeff' +
    stringify(
      list.map((c) =>
        [
          c.id,
          c.name,
          c.kind,
          c.class ?? '',
          c.card,
          c.validFrom ?? '',
          c.validTo ?? '',
          String(c.enabled),
          c.groups.join('|'),
        ].map(safeCell),
      ),
      { header: true, columns: [...CSV_COLUMNS] },
    )
  );
}
