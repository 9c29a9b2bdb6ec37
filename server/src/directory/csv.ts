// A small RFC 4180 reader for directory imports: commas, double-quoted cells with "" escapes,
// CRLF or LF line ends. Returns each record with the line number it starts on.
import type { Wording } from '../errors.js';

export class CsvError extends Error {
  constructor(readonly wording: Wording, readonly line: number) {
    super(wording.fr);
  }
}

export function parseCsv(text: string): { line: number; cells: string[] }[] {
  const records: { line: number; cells: string[] }[] = [];
  let cells: string[] = [];
  let cell = '';
  let quoted = false;
  let line = 1;
  let recordLine = 1;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') {
        quoted = false;
      } else {
        if (c === '\n') line++;
        cell += c;
      }
    } else if (c === '"' && cell === '') {
      quoted = true;
    } else if (c === ',') {
      cells.push(cell);
      cell = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      cells.push(cell);
      records.push({ line: recordLine, cells });
      cells = [];
      cell = '';
      line++;
      recordLine = line;
    } else {
      cell += c;
    }
  }
  if (quoted) throw new CsvError({ fr: `Guillemet non fermé (ligne ${recordLine}).`, en: `Unclosed quotation mark (line ${recordLine}).` }, recordLine);
  if (cell !== '' || cells.length) {
    cells.push(cell);
    records.push({ line: recordLine, cells });
  }
  return records;
}
