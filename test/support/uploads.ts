// GraphQL multipart requests (https://github.com/jaydenseric/graphql-multipart-request-spec), as a
// script would send them (fetch and FormData) or made by hand piece by piece (to pause, misorder or
// cut them), plus helpers to fetch and check downloads and to look for plaintext on disk.
import { createHash, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import type { ApiClient, GraphQLResponse } from './api-client.js';

export const SEND = `mutation Send($input: SendMessageInput!) {
  sendMessage(input: $input) { id subject comment lifetimeDays sentAt expiresAt expired
    sender { email } recipients { user { email } viewedAt } files { id name size sha256 } } }`;

export interface UploadFile {
  name: string;
  content: Buffer;
}

export const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');
export const randomFile = (name: string, size: number): UploadFile => ({ name, content: randomBytes(size) });

export interface SendFields {
  recipients: string[];
  subject?: string;
  comment?: string | null;
  lifetimeDays?: number;
  /** Ids of completed resumable (tus) uploads, sent alongside the files. */
  uploads?: string[];
}

/** Sends a message with files through POST /graphql multipart; returns status and body. */
export async function sendMessage(client: ApiClient, fields: SendFields, files: UploadFile[], headers: Record<string, string> = { 'apollo-require-preflight': 'true' }) {
  const form = new FormData();
  const input = { subject: 'Pièces du dossier', lifetimeDays: 7, ...fields, files: files.map(() => null) };
  form.append('operations', JSON.stringify({ query: SEND, variables: { input } }));
  form.append('map', JSON.stringify(Object.fromEntries(files.map((_, i) => [String(i), [`variables.input.files.${i}`]]))));
  files.forEach((file, i) => form.append(String(i), new Blob([new Uint8Array(file.content)]), file.name));
  const cookie = client.cookieHeader();
  const response = await fetch(`${client.baseUrl}/graphql`, {
    method: 'POST',
    headers: { ...(cookie ? { cookie } : {}), ...client.headers, ...headers },
    body: form,
  });
  const text = await response.text();
  let body: GraphQLResponse;
  try {
    body = JSON.parse(text) as GraphQLResponse;
  } catch {
    body = { errors: [{ message: text, extensions: { code: `HTTP_${response.status}` } }] };
  }
  return { status: response.status, body };
}

/** The message sent, or throws with the error codes. */
export async function sendOk(client: ApiClient, fields: SendFields, files: UploadFile[]) {
  const { body } = await sendMessage(client, fields, files);
  if (body.errors?.length) throw new Error(body.errors.map((e) => `${e.extensions?.code}: ${e.message}`).join('; '));
  return body.data!.sendMessage;
}

export async function downloadUrl(client: ApiClient, fileId: string): Promise<string> {
  return (await client.gql(`mutation ($id: ID!) { download(fileId: $id) { url expiresAt } }`, { id: fileId })).download.url;
}

export async function fetchBytes(url: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Headers; body: Buffer }> {
  const response = await fetch(url, { headers });
  return { status: response.status, headers: response.headers, body: Buffer.from(await response.arrayBuffer()) };
}

/** Bytes made of a recognisable marker (`size` long), so that a plaintext leak can be searched for. */
export function markedBytes(size: number, marker = 'PLEX-PLAINTEXT-MARKER-', seed = `${Date.now()}-${randomBytes(4).toString('hex')}`): Buffer {
  const unit = Buffer.from(`${marker}${seed}-`);
  const out = Buffer.alloc(size);
  for (let at = 0; at < size; at += unit.length) unit.copy(out, at);
  return out;
}

/** Every file under `dir` holding `needle`. */
export function filesHolding(dir: string, needle: Buffer): string[] {
  const found: string[] = [];
  const walk = (at: string) => {
    for (const entry of readdirSync(at, { withFileTypes: true })) {
      const path = join(at, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile() && readFileSync(path).includes(needle)) found.push(path);
    }
  };
  walk(dir);
  return found;
}

// ---------------------------------------------------------------------------------------------
// Multipart bodies made by hand

export const BOUNDARY = 'plex-test-boundary';

/** One part of a multipart body: a field, or a file when it has a file name. */
export interface RawPart {
  name: string;
  filename?: string;
  content: Buffer | string;
}

/** What comes before a part's bytes. */
export function partHead(name: string, filename?: string): Buffer {
  const file = filename === undefined ? '' : `; filename="${filename}"\r\nContent-Type: application/octet-stream`;
  return Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="${name}"${file}\r\n\r\n`);
}
/** What ends a part's bytes. */
export const PART_END = Buffer.from('\r\n');
/** What ends the body. */
export const CLOSING = Buffer.from(`--${BOUNDARY}--\r\n`);

/** A whole multipart body of `parts`, in this order. */
export function multipartBody(parts: RawPart[]): Buffer {
  return Buffer.concat([...parts.flatMap((part) => [partHead(part.name, part.filename), Buffer.from(part.content), PART_END]), CLOSING]);
}

/**
 * The `operations` and `map` parts of a sendMessage with `count` files; file i is the part named
 * String(i) unless `map` says otherwise.
 */
export function sendFieldParts(fields: SendFields, count: number, map?: Record<string, string[]>): RawPart[] {
  const input = { subject: 'Pièces du dossier', lifetimeDays: 7, ...fields, files: Array.from({ length: count }, () => null) };
  return [
    { name: 'operations', content: JSON.stringify({ query: SEND, variables: { input } }) },
    { name: 'map', content: JSON.stringify(map ?? Object.fromEntries(Array.from({ length: count }, (_, i) => [String(i), [`variables.input.files.${i}`]]))) },
  ];
}

/** Yield it among the pieces of postPieces to cut the connection there. */
export const CUT = Symbol('cut the connection');

export interface RawAnswer {
  /** 0 when the test cut the connection. */
  status: number;
  text: string;
  body: GraphQLResponse | undefined;
}

/**
 * POSTs a multipart body to /graphql with node:http (chunked), piece by piece as `pieces` yields
 * them, each written once the previous one reached the socket: a test can pause the body and look at
 * the server meanwhile, see how far the server let it write, or cut the connection (yield CUT).
 */
export function postPieces(
  client: ApiClient,
  pieces: AsyncIterable<Buffer | typeof CUT> | Iterable<Buffer | typeof CUT>,
  headers: Record<string, string> = { 'apollo-require-preflight': 'true' },
): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const cookie = client.cookieHeader();
    const req = request(new URL('/graphql', client.baseUrl), {
      method: 'POST',
      headers: { 'content-type': `multipart/form-data; boundary=${BOUNDARY}`, ...(cookie ? { cookie } : {}), ...client.headers, ...headers },
    });
    let cut = false;
    req.on('response', (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => {
        let body: GraphQLResponse | undefined;
        try {
          body = JSON.parse(text) as GraphQLResponse;
        } catch {
          body = undefined;
        }
        resolve({ status: res.statusCode ?? 0, text, body });
      });
      res.on('error', reject);
    });
    req.on('error', (error) => (cut ? resolve({ status: 0, text: '', body: undefined }) : reject(error)));
    void (async () => {
      for await (const piece of pieces) {
        if (piece === CUT) {
          cut = true;
          req.destroy();
          return;
        }
        await new Promise<void>((done, fail) => req.write(piece, (error) => (error ? fail(error) : done())));
      }
      req.end();
    })().catch((error: unknown) => {
      if (!cut) reject(error);
    });
  });
}
