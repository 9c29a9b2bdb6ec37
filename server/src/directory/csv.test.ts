import { describe, expect, it } from 'vitest';
import { parseCsv } from './csv.js';

describe('CSV reader', () => {
  it('reads quoted cells with commas, escaped quotes and line breaks, and numbers the lines', () => {
    expect(parseCsv('a,b\r\n"x, y","say ""hi"""\n"multi\nline",z\n')).toEqual([
      { line: 1, cells: ['a', 'b'] },
      { line: 2, cells: ['x, y', 'say "hi"'] },
      { line: 3, cells: ['multi\nline', 'z'] },
    ]);
  });

  it('names the line of an unclosed quote', () => {
    expect(() => parseCsv('a,b\n"open,c\n')).toThrow('Guillemet non fermé (ligne 2).');
  });
});
