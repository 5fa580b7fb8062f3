/**
 * A small RFC 4180 reader: comma or semicolon separated (French spreadsheets export with `;`),
 * double-quoted fields with "" escapes and line breaks inside quotes, CRLF or LF, a UTF-8 BOM.
 * Returns rows with their 1-based line number (of the row's first line) for the import report.
 */
export interface CsvRow {
  readonly line: number;
  readonly cells: readonly string[];
}

export function detectSeparator(headerLine: string): ',' | ';' {
  const semis = (headerLine.match(/;/g) ?? []).length;
  const commas = (headerLine.match(/,/g) ?? []).length;
  return semis > commas ? ';' : ',';
}

export function parseCsv(text: string, separator?: ',' | ';'): CsvRow[] {
  const src = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const sep = separator ?? detectSeparator(src.split(/\r?\n/, 1)[0] ?? '');
  const rows: CsvRow[] = [];
  let cells: string[] = [];
  let cell = '';
  let quoted = false;
  let line = 1;
  let rowLine = 1;
  for (let i = 0; i < src.length; i += 1) {
    const ch = src[i];
    if (quoted) {
      if (ch === '"' && src[i + 1] === '"') {
        cell += '"';
        i += 1;
      } else if (ch === '"') quoted = false;
      else {
        if (ch === '\n') line += 1;
        cell += ch;
      }
      continue;
    }
    if (ch === '"' && cell === '') quoted = true;
    else if (ch === sep) {
      cells.push(cell);
      cell = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && src[i + 1] === '\n') i += 1;
      cells.push(cell);
      if (!(cells.length === 1 && cells[0] === '')) rows.push({ line: rowLine, cells });
      cells = [];
      cell = '';
      line += 1;
      rowLine = line;
    } else cell += ch;
  }
  cells.push(cell);
  if (!(cells.length === 1 && cells[0] === '')) rows.push({ line: rowLine, cells });
  return rows;
}
