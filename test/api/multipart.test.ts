// GraphQL multipart requests read straight from the socket (server/src/graphql/multipart.ts): no
// temporary file anywhere and no plaintext on disk, the socket paused while storage lags, limits on
// both sides, the spec's malformed and misordered cases, and every refusal or cut leaving nothing
// (no message, no blob, no mail) and answering as GraphQL JSON.
import { mkdtempSync, readdirSync, rmSync, watch } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_FILES } from '../../server/src/messages/messages.service.js';
import type { BlobStore } from '../../server/src/infra/storage/blob-store.js';
import { LocalBlobStore } from '../../server/src/infra/storage/local-blob-store.js';
import type { ApiClient } from '../support/api-client.js';
import { agentAndPartner, buildUser, signIn, uniqueEmail, type BuiltUser } from '../support/factories.js';
import { startTestServer, type TestServer } from '../support/server.js';
import {
  CLOSING,
  CUT,
  downloadUrl,
  fetchBytes,
  filesHolding,
  markedBytes,
  multipartBody,
  PART_END,
  partHead,
  postPieces,
  randomFile,
  sendFieldParts,
  sendMessage,
  sha256,
  type RawPart,
} from '../support/uploads.js';

const MiB = 1024 * 1024;
const LIMIT = 8 * MiB; // MAX_MESSAGE_BYTES for this file

let server: TestServer;
let agent: BuiltUser;
let partner: BuiltUser;
let agentClient: ApiClient;
let partnerClient: ApiClient;

beforeAll(async () => {
  server = await startTestServer({ env: { MAX_MESSAGE_BYTES: String(LIMIT) } });
  ({ agent, partner, agentClient, partnerClient } = await agentAndPartner(server));
});
afterAll(() => server?.close());

const count = async (s: TestServer, table: string) => (await s.services.orm.em.fork().execute<{ n: number }[]>(`select count(*)::int as n from ${table}`))[0].n;
const filesUnder = (dir: string): string[] => {
  try {
    return readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => join(entry.parentPath, entry.name));
  } catch {
    return [];
  }
};
/** What a send leaves behind: messages, pending rows, blobs and puts in progress. */
async function leftovers(s: TestServer = server) {
  const files = join(s.services.config.dataDir, 'files');
  return { messages: await count(s, 'messages'), pending: await count(s, 'pending_uploads'), blobs: filesUnder(join(files, 'blobs')).length, puts: filesUnder(join(files, 'tmp')).length };
}
/** Polls `read` until it equals `expected` (a refused send cleans up just after its answer), then returns it. */
async function settle<T>(read: () => Promise<T>, expected: T, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (JSON.stringify(value) === JSON.stringify(expected) || Date.now() > deadline) return value;
    await new Promise((r) => setTimeout(r, 50));
  }
}
const mailsAbout = (s: TestServer, subject: string) => s.mail.mails.filter((m) => m.subject.includes(subject));
const firstCode = (body: { errors?: { extensions?: Record<string, unknown> }[] } | undefined) => body?.errors?.[0]?.extensions?.code ?? 'OK';

/**
 * Runs `body` with TMPDIR (what os.tmpdir() answers, in this process where the test server runs)
 * pointed at a new empty folder, watched for any file appearing in it even briefly.
 */
async function withWatchedTmpdir<T>(body: (dir: string) => Promise<T>): Promise<{ result: T; created: string[]; left: string[] }> {
  const dir = mkdtempSync(join(tmpdir(), 'plex-os-tmpdir-'));
  const previous = process.env.TMPDIR;
  const created: string[] = [];
  const watcher = watch(dir, { recursive: true }, (_event, name) => {
    if (name) created.push(String(name));
  });
  process.env.TMPDIR = dir;
  try {
    expect((await import('node:os')).tmpdir()).toBe(dir);
    const result = await body(dir);
    await new Promise((r) => setTimeout(r, 100)); // let late watch events arrive
    return { result, created, left: filesUnder(dir) };
  } finally {
    if (previous === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previous;
    watcher.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** `size` bytes in chunks of `chunk`, from `bytes` when given (else zeros). */
function* chunksOf(bytes: Buffer, chunk = 256 * 1024): Generator<Buffer> {
  for (let at = 0; at < bytes.length; at += chunk) yield bytes.subarray(at, Math.min(bytes.length, at + chunk));
}

describe('files stream from the socket into encrypted storage', () => {
  it('writes nothing to the temp directory and no plaintext under DATA_DIR, while the request runs and after', async () => {
    const subject = `sans trace ${Date.now()}`;
    const content = markedBytes(6 * MiB + 123);
    const needle = content.subarray(0, 64);
    const dataDir = server.services.config.dataDir;
    const during: { puts: number; tmp: string[]; leaks: string[] } = { puts: 0, tmp: [], leaks: [] };
    const { result, created, left } = await withWatchedTmpdir(async (dir) =>
      postPieces(
        agentClient,
        (async function* () {
          yield multipartBody(sendFieldParts({ recipients: [partner.email], subject }, 1)).subarray(0, -CLOSING.length);
          yield partHead('0', 'secret.bin');
          yield* chunksOf(content.subarray(0, 3 * MiB));
          // Half the file is sent: its encrypted put must be under way, and nothing else on disk.
          for (let i = 0; i < 100 && filesUnder(join(dataDir, 'files', 'tmp')).length === 0; i++) await new Promise((r) => setTimeout(r, 50));
          await new Promise((r) => setTimeout(r, 200));
          during.puts = filesUnder(join(dataDir, 'files', 'tmp')).length;
          during.tmp = filesUnder(dir);
          during.leaks = filesHolding(dataDir, needle);
          yield* chunksOf(content.subarray(3 * MiB));
          yield PART_END;
          yield CLOSING;
        })(),
      ),
    );
    expect(during).toEqual({ puts: 1, tmp: [], leaks: [] });
    expect(result.body?.errors).toBeUndefined();
    const file = result.body!.data!.sendMessage.files[0];
    expect(file).toMatchObject({ name: 'secret.bin', size: content.length, sha256: sha256(content) });
    expect(created).toEqual([]);
    expect(left).toEqual([]);
    expect(filesHolding(dataDir, needle)).toEqual([]);
    const download = await fetchBytes(await downloadUrl(partnerClient, file.id));
    expect(sha256(download.body)).toBe(sha256(content));
  });

  it('pauses the socket while storage does not keep up (no file held in memory or on disk), then completes', async () => {
    const root = mkdtempSync(join(tmpdir(), 'plex-gated-store-'));
    const store = new GatedStore(new LocalBlobStore(root));
    const slow = await startTestServer({ store, env: { MAX_MESSAGE_BYTES: String(256 * MiB) } });
    try {
      const sender = await signIn(slow, await buildUser(slow));
      const recipient = await buildUser(slow);
      const chunk = markedBytes(MiB);
      const total = 96 * MiB;
      let written = 0;
      const answer = postPieces(
        sender,
        (async function* () {
          yield multipartBody(sendFieldParts({ recipients: [recipient.email] }, 1)).subarray(0, -CLOSING.length);
          yield partHead('0', 'gros.bin');
          for (let sent = 0; sent < total; sent += MiB) {
            yield chunk;
            written += MiB;
          }
          yield PART_END;
          yield CLOSING;
        })(),
      );
      // The store takes nothing for now: once the buffers along the way are full, the client can write no more.
      let last = -1;
      for (let i = 0; i < 100 && (written !== last || store.waiting === 0); i++) {
        last = written;
        await new Promise((r) => setTimeout(r, 300));
      }
      expect(store.waiting).toBe(1);
      expect(written).toBeLessThan(16 * MiB); // what the socket buffers of both kernels hold (3 MiB here), not 96
      store.open();
      const { body } = await answer;
      expect(body?.errors).toBeUndefined();
      expect(written).toBe(total);
      const expected = sha256(Buffer.concat(Array.from({ length: total / MiB }, () => chunk)));
      expect(body!.data!.sendMessage.files[0]).toMatchObject({ size: total, sha256: expected });
    } finally {
      store.open();
      await slow.close();
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('limits on both sides', () => {
  it('one file of exactly MAX_MESSAGE_BYTES passes; one byte more is refused (PAYLOAD_TOO_LARGE) and leaves nothing', async () => {
    const exact = await sendMessage(agentClient, { recipients: [partner.email] }, [randomFile('pile.bin', LIMIT)]);
    expect(exact.body.errors).toBeUndefined();
    expect(exact.body.data!.sendMessage.files[0].size).toBe(LIMIT);
    const before = await leftovers();
    const subject = `trop ${Date.now()}`;
    const over = await sendMessage(agentClient, { recipients: [partner.email], subject }, [randomFile('trop.bin', LIMIT + 1)]);
    expect(firstCode(over.body)).toBe('PAYLOAD_TOO_LARGE');
    expect(await settle(() => leftovers(), before)).toEqual(before);
    expect(mailsAbout(server, subject)).toEqual([]);
  });

  it(`${MAX_FILES} files pass; a map of ${MAX_FILES + 1} is refused (413, PAYLOAD_TOO_LARGE) before GraphQL runs`, async () => {
    const many = await sendMessage(agentClient, { recipients: [partner.email] }, Array.from({ length: MAX_FILES }, (_, i) => randomFile(`f${i}`, 10)));
    expect(many.body.errors).toBeUndefined();
    expect(many.body.data!.sendMessage.files).toHaveLength(MAX_FILES);
    const before = await leftovers();
    const tooMany = await sendMessage(agentClient, { recipients: [partner.email] }, Array.from({ length: MAX_FILES + 1 }, (_, i) => randomFile(`f${i}`, 10)));
    expect(tooMany.status).toBe(413);
    expect(tooMany.body.errors).toEqual([{ message: 'La requête dépasse la taille autorisée.', extensions: { code: 'PAYLOAD_TOO_LARGE' } }]);
    expect(await leftovers()).toEqual(before);
  });

  it('refuses operations over 1 MB (413) as JSON', async () => {
    const parts = sendFieldParts({ recipients: [partner.email], comment: 'x'.repeat(1_000_001) }, 1);
    const answer = await postPieces(agentClient, [multipartBody([...parts, { name: '0', filename: 'a.txt', content: 'a' }])]);
    expect(answer.status).toBe(413);
    expect(firstCode(answer.body)).toBe('PAYLOAD_TOO_LARGE');
  });
});

describe('the spec, and requests that do not follow it', () => {
  it('skips a part whose name is not in map; the files of map are sent', async () => {
    const files = [randomFile('un.txt', 1000), randomFile('deux.txt', 2000)];
    const answer = await postPieces(
      agentClient,
      [
        multipartBody([
          ...sendFieldParts({ recipients: [partner.email] }, 2),
          { name: '0', filename: 'un.txt', content: files[0].content },
          { name: 'intrus', filename: 'intrus.bin', content: randomFile('x', 300_000).content },
          { name: '1', filename: 'deux.txt', content: files[1].content },
        ]),
      ],
    );
    expect(answer.body?.errors).toBeUndefined();
    expect(answer.body!.data!.sendMessage.files.map((f: { name: string; sha256: string }) => [f.name, f.sha256])).toEqual(files.map((f) => [f.name, sha256(f.content)]));
  });

  it('a file of map missing from the request: BAD_USER_INPUT, and the file already stored is removed', async () => {
    const before = await leftovers();
    const subject = `manquant ${Date.now()}`;
    const answer = await postPieces(agentClient, [multipartBody([...sendFieldParts({ recipients: [partner.email], subject }, 2), { name: '0', filename: 'seul.txt', content: randomFile('x', 200_000).content }])]);
    expect(firstCode(answer.body)).toBe('BAD_USER_INPUT');
    expect(await settle(() => leftovers(), before)).toEqual(before);
    expect(mailsAbout(server, subject)).toEqual([]);
  });

  it('files sent out of the order of the list: BAD_USER_INPUT at once instead of a request stuck forever, nothing kept', async () => {
    const before = await leftovers();
    const subject = `désordre ${Date.now()}`;
    // files[0] is the part named "1", which comes second, after 2 MiB the resolver does not read yet.
    const map = { '0': ['variables.input.files.1'], '1': ['variables.input.files.0'] };
    const { result, created } = await withWatchedTmpdir(() =>
      postPieces(agentClient, [
        multipartBody([
          ...sendFieldParts({ recipients: [partner.email], subject }, 2, map),
          { name: '0', filename: 'deuxieme.bin', content: randomFile('x', 2 * MiB).content },
          { name: '1', filename: 'premier.bin', content: randomFile('y', 1000).content },
        ]),
      ]),
    );
    expect(result.body?.errors?.[0]).toMatchObject({ message: expect.stringMatching(/ordre/), extensions: { code: 'BAD_USER_INPUT', field: 'files' } });
    expect(created).toEqual([]);
    expect(await settle(() => leftovers(), before)).toEqual(before);
    expect(mailsAbout(server, subject)).toEqual([]);
  });

  it('answers malformed requests with a GraphQL error as JSON (BAD_REQUEST), and keeps serving', async () => {
    const operations = sendFieldParts({ recipients: [partner.email] }, 1)[0];
    const file: RawPart = { name: '0', filename: 'a.txt', content: 'bonjour' };
    const cases: Record<string, Buffer> = {
      'batched operations': multipartBody([{ name: 'operations', content: JSON.stringify([JSON.parse(String(operations.content))]) }, { name: 'map', content: '{"0":["0.variables.input.files.0"]}' }, file]),
      'operations not JSON': multipartBody([{ name: 'operations', content: '{"query": ' }, { name: 'map', content: '{}' }, file]),
      'operations not an object': multipartBody([{ name: 'operations', content: '"query"' }, { name: 'map', content: '{}' }, file]),
      'map first': multipartBody([{ name: 'map', content: '{"0":["variables.input.files.0"]}' }, operations, file]),
      'map not JSON': multipartBody([operations, { name: 'map', content: '{"0": [' }, file]),
      'map an array': multipartBody([operations, { name: 'map', content: '[["variables.input.files.0"]]' }, file]),
      'map entry not an array': multipartBody([operations, { name: 'map', content: '{"0":"variables.input.files.0"}' }, file]),
      'map path to nothing': multipartBody([operations, { name: 'map', content: '{"0":["variables.input.nothing.0"]}' }, file]),
      'map path not to a null': multipartBody([operations, { name: 'map', content: '{"0":["variables.input.subject"]}' }, file]),
      'map path through __proto__': multipartBody([operations, { name: 'map', content: '{"0":["__proto__.polluted"]}' }, file]),
      'no map': multipartBody([operations, file]),
      'no fields at all': multipartBody([]),
      'cut short': multipartBody([operations, { name: 'map', content: '{"0":["variables.input.files.0"]}' }]).subarray(0, -CLOSING.length - 10),
    };
    for (const [name, body] of Object.entries(cases)) {
      const answer = await postPieces(agentClient, [body]);
      expect(answer.text, name).not.toMatch(/<html|at .*\.[jt]s:\d+/i);
      expect([name, answer.status, firstCode(answer.body)]).toEqual([name, 400, 'BAD_REQUEST']);
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    // No boundary in the content type: busboy cannot even start.
    const noBoundary = await fetch(`${server.url}/graphql`, { method: 'POST', headers: { 'content-type': 'multipart/form-data', 'apollo-require-preflight': 'true' }, body: 'x' });
    expect(noBoundary.status).toBe(400);
    expect(firstCode((await noBoundary.json()) as never)).toBe('BAD_REQUEST');
    expect((await agentClient.gql(`{ me { email } }`)).me.email).toBe(agent.email);
  });
});

describe('the resolver stops before the end of the request', () => {
  it('a send refused before any file is read (unknown recipient) answers once the rest is drained, keeping nothing anywhere', async () => {
    const before = await leftovers();
    const ghost = uniqueEmail('fantome');
    const content = markedBytes(6 * MiB);
    const { result, created, left } = await withWatchedTmpdir(() =>
      postPieces(agentClient, [multipartBody([...sendFieldParts({ recipients: [ghost] }, 1), { name: '0', filename: 'refuse.bin', content }])]),
    );
    expect(result.body?.errors?.[0]).toMatchObject({ extensions: { code: 'RECIPIENT_UNKNOWN', addresses: [ghost] } });
    expect(created).toEqual([]);
    expect(left).toEqual([]);
    expect(await leftovers()).toEqual(before);
    expect(filesHolding(server.services.config.dataDir, content.subarray(0, 64))).toEqual([]);
    // The connection pool and the server are fine afterwards.
    expect((await agentClient.gql(`{ me { email } }`)).me.email).toBe(agent.email);
  });

  it('a connection cut in the second file leaves nothing: the first file, stored already, is removed', async () => {
    const before = await leftovers();
    const subject = `coupé ${Date.now()}`;
    const answer = await postPieces(
      agentClient,
      (async function* () {
        yield multipartBody([...sendFieldParts({ recipients: [partner.email], subject }, 2), { name: '0', filename: 'entier.bin', content: randomFile('x', 300_000).content }]).subarray(0, -CLOSING.length);
        yield partHead('1', 'moitie.bin');
        yield randomFile('y', MiB).content;
        // Until the second file's put is under way, then cut.
        const tmp = join(server.services.config.dataDir, 'files', 'tmp');
        for (let i = 0; i < 100 && filesUnder(tmp).length === 0; i++) await new Promise((r) => setTimeout(r, 20));
        yield CUT;
      })(),
    );
    expect(answer.status).toBe(0);
    expect(await settle(() => leftovers(), before)).toEqual(before);
    await new Promise((r) => setTimeout(r, 300));
    expect(mailsAbout(server, subject)).toEqual([]);
  });
});

/** The local store, except that puts wait (reading nothing) until `open()`. */
class GatedStore implements BlobStore {
  waiting = 0;
  open!: () => void;
  private readonly gate = new Promise<void>((resolve) => (this.open = resolve));
  constructor(private readonly inner: BlobStore) {}
  async put(key: string, source: Readable) {
    this.waiting++;
    await this.gate;
    this.waiting--;
    return this.inner.put(key, source);
  }
  get(key: string, range?: { start: number; end: number }) {
    return this.inner.get(key, range);
  }
  delete(key: string) {
    return this.inner.delete(key);
  }
  exists(key: string) {
    return this.inner.exists(key);
  }
  list() {
    return this.inner.list();
  }
  sweepTemp(olderThan: Date) {
    return this.inner.sweepTemp(olderThan);
  }
}
