const cell = (v: unknown) => `"${String(v ?? '').replace(/"/g, '""')}"`;

/** Rows as a CSV file the browser saves: a BOM and CRLF, so Excel on Chinese Windows opens it right. */
export function downloadCsv(name: string, rows: unknown[][]): void {
  const blob = new Blob([`\ufeff${rows.map((r) => r.map(cell).join(',')).join('\r\n')}\r\n`], {
    type: 'text/csv;charset=utf-8',
  });
  const link = document.createElement('a');
  link.href = URL.createObjectURL(blob);
  link.download = name;
  link.click();
  URL.revokeObjectURL(link.href);
}
