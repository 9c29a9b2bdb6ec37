// Names of documents as shown and served: what the sender gave, minus path parts, control and
// bidirectional-override characters, cut to 255 bytes of UTF-8 without splitting a character.
const CONTROL_AND_BIDI = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
export const MAX_NAME_BYTES = 255;

export function sanitizeFileName(raw: string): string {
  let name = raw.normalize('NFC').replace(CONTROL_AND_BIDI, '');
  name = name.split(/[/\\]/).pop() ?? '';
  name = name.trim();
  if (name === '' || name === '.' || name === '..') name = 'document';
  if (Buffer.byteLength(name) > MAX_NAME_BYTES) {
    const extension = /\.[^.\s]{1,16}$/.exec(name)?.[0] ?? '';
    const budget = MAX_NAME_BYTES - Buffer.byteLength(extension);
    let base = '';
    for (const character of name.slice(0, name.length - extension.length)) {
      if (Buffer.byteLength(base + character) > budget) break;
      base += character;
    }
    name = base + extension;
  }
  return name;
}

/** Entry names of a zip: unique, "name (2).ext" for the second of the same name. */
export function uniqueNames(names: string[]): string[] {
  const taken = new Set<string>();
  return names.map((name) => {
    let candidate = name;
    const dot = name.lastIndexOf('.');
    const [base, extension] = dot > 0 ? [name.slice(0, dot), name.slice(dot)] : [name, ''];
    for (let n = 2; taken.has(candidate.toLowerCase()); n++) candidate = `${base} (${n})${extension}`;
    taken.add(candidate.toLowerCase());
    return candidate;
  });
}

/** RFC 6266 / 5987 Content-Disposition: an ASCII fallback and the exact UTF-8 name. */
export function contentDisposition(name: string): string {
  const ascii = name.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/[^\x20-\x7e]/g, '_').replace(/["\\%]/g, '_');
  const encoded = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}
