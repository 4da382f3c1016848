import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import type { Cardholder } from './types.ts';
import { safeCell, unsafeCell } from '../csv-cell.ts';

/** Columns of the cardholder CSV, as the console imports and exports it. */
export const CSV_COLUMNS = ['id', 'name', 'kind', 'class', 'card', 'valid_from', 'valid_to', 'enabled', 'groups'] as const;

export interface CsvProblem { line: number; field: string; message: string }

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * Parses a cardholder CSV (UTF-8, optional BOM, header row). Every problem is
 * reported with its line and column, and nothing is imported if there is one.
 */
export function parseCardholderCsv(text: string): { cardholders: Cardholder[]; problems: CsvProblem[] } {
  let rows: Record<string, string>[];
  try {
    rows = parse(text, { columns: true, bom: true, skip_empty_lines: true, trim: true, cast: (value) => unsafeCell(value) });
  } catch (err) {
    const e = err as Error & { lines?: number };
    return { cardholders: [], problems: [{ line: e.lines ?? 1, field: '', message: e.message }] };
  }
  const problems: CsvProblem[] = [];
  const header = Object.keys(rows[0] ?? {});
  for (const col of ['id', 'name', 'kind', 'card']) if (rows.length && !header.includes(col)) problems.push({ line: 1, field: col, message: 'missing column' });
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
    if (r.enabled && !['true', 'false', '1', '0', 'yes', 'no'].includes(r.enabled.toLowerCase())) bad('enabled', 'must be true or false');
    return {
      id: r.id ?? '', name: r.name ?? '', kind: r.kind as Cardholder['kind'], class: r.class || null, card: r.card ?? '',
      validFrom: r.valid_from || null, validTo: r.valid_to || null,
      enabled: !['false', '0', 'no'].includes((r.enabled ?? 'true').toLowerCase()),
      groups: (r.groups ?? '').split('|').map((g) => g.trim()).filter(Boolean),
    };
  });
  return { cardholders: problems.length ? [] : cardholders, problems };
}

export function cardholderCsv(list: readonly Cardholder[]): string {
  return '\ufeff' + stringify(list.map((c) => [c.id, c.name, c.kind, c.class ?? '', c.card, c.validFrom ?? '', c.validTo ?? '', String(c.enabled), c.groups.join('|')].map(safeCell)),
    { header: true, columns: [...CSV_COLUMNS] });
}
