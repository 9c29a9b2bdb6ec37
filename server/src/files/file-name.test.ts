import { describe, expect, it } from 'vitest';
import { contentDisposition, MAX_NAME_BYTES, sanitizeFileName, uniqueNames } from './file-name.js';

describe('file names', () => {
  it('drops path parts, control and bidi-override characters, keeps the rest as given', () => {
    expect(sanitizeFileName('../../etc/passwd')).toBe('passwd');
    expect(sanitizeFileName('C:\\Users\\x\\relevé.pdf')).toBe('relevé.pdf');
    expect(sanitizeFileName('a\r\nb.txt')).toBe('ab.txt');
    expect(sanitizeFileName('facture\u202Efdp.exe')).toBe('facturefdp.exe');
    expect(sanitizeFileName('relevé d\'identité (copie).PDF')).toBe("relevé d'identité (copie).PDF");
    expect(sanitizeFileName('..')).toBe('document');
    expect(sanitizeFileName('dir/')).toBe('document');
  });

  it('cuts to 255 bytes of UTF-8 without splitting a character, keeping the extension', () => {
    const name = sanitizeFileName(`${'é'.repeat(200)}.pdf`);
    expect(Buffer.byteLength(name)).toBeLessThanOrEqual(MAX_NAME_BYTES);
    expect(name.endsWith('.pdf')).toBe(true);
    expect(name).not.toContain('\uFFFD');
    expect(sanitizeFileName('a'.repeat(255))).toHaveLength(255);
    expect(sanitizeFileName('a'.repeat(256))).toHaveLength(255);
  });

  it('makes zip entry names unique', () => {
    expect(uniqueNames(['a.txt', 'A.txt', 'a.txt', 'b'])).toEqual(['a.txt', 'A (2).txt', 'a (3).txt', 'b']);
  });

  it('writes an RFC 6266 Content-Disposition that cannot split headers', () => {
    expect(contentDisposition('relevé "final".pdf')).toBe(`attachment; filename="releve _final_.pdf"; filename*=UTF-8''relev%C3%A9%20%22final%22.pdf`);
  });
});
