/**
 * Spreadsheet formula injection: a cell that starts with = + - @ (or a tab or CR, which Excel
 * skips before them) runs as a formula when a school opens the export. Such a cell is written
 * with a leading apostrophe, which spreadsheets show as text; reading the file back removes it.
 */
const FORMULA_START = /^[=+\-@\t\r]/;

export const safeCell = (value: string): string => (FORMULA_START.test(value) ? `'${value}` : value);

export const unsafeCell = (value: string): string =>
  value.startsWith("'") && FORMULA_START.test(value.slice(1)) ? value.slice(1) : value;
