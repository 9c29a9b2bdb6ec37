// Resumable uploads (tus 1.0 at /uploads) with the real tus-js-client: chunked uploads, a
// connection cut in the middle of a PATCH, a server restart between two chunks, then sendMessage
// with the upload ids and a download whose SHA-256 matches; ownership, single use, limits, expiry
// and sweep, CSRF, and no plaintext byte under DATA_DIR at any point.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import * as tus from 'tus-js-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Role } from '../../server/src/accounts/user.entity.js';
import { MAX_UPLOADS_IN_PROGRESS } from '../../server/src/files/tus-store.js';
import type { ApiClient } from '../support/api-client.js';
import { agentAndPartner, buildUser, signIn, type BuiltUser } from '../support/factories.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { downloadUrl, fetchBytes, filesHolding, markedBytes as marked, randomFile, SEND, sendMessage, sha256 } from '../support/uploads.js';

const R = 64 * 1024; // RECORD_SIZE
const LIMIT = 12 * 1024 * 1024; // MAX_MESSAGE_BYTES for this file
const MARKER = 'PLEX-TUS-PLAINTEXT-MARKER-';
const markedBytes = (size: number) => marked(size, MARKER);

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

const uploadsDir = (s: TestServer) => join(s.services.config.dataDir, 'files', 'uploads');
const uploadFiles = (s: TestServer) => {
  try {
    return readdirSync(uploadsDir(s));
  } catch {
    return [];
  }
};
const idOf = (url: string) => url.split('/').pop()!;

function tusOptions(s: TestServer, client: ApiClient, extra: tus.UploadOptions = {}): tus.UploadOptions {
  return {
    endpoint: `${s.url}/uploads`,
    headers: { cookie: client.cookieHeader()! },
    chunkSize: 4 * R,
    retryDelays: [0, 50, 200, 500],
    metadata: { filename: 'document.bin' },
    ...extra,
  };
}

/** Runs a tus-js-client upload of `data` to completion; resolves with its URL. */
function upload(data: Buffer, options: tus.UploadOptions): Promise<string> {
  return new Promise((resolve, reject) => {
    const run: tus.Upload = new tus.Upload(data, { ...options, onSuccess: () => resolve(run.url!), onError: reject });
    run.start();
  });
}

/** A tus request made by hand (headers of the protocol added unless given). */
async function tusRequest(url: string, method: string, client: ApiClient | null, headers: Record<string, string> = {}, body?: Buffer | ReadableStream) {
  const response = await fetch(url, {
    method,
    headers: { 'tus-resumable': '1.0.0', ...(client ? { cookie: client.cookieHeader()! } : {}), ...headers },
    body,
    ...(body instanceof ReadableStream ? { duplex: 'half' } : {}),
  } as RequestInit);
  await response.arrayBuffer();
  return response;
}

/** Creates an upload by hand; returns its URL. */
async function create(client: ApiClient, length: number, headers: Record<string, string> = {}, s = server): Promise<string> {
  const response = await tusRequest(`${s.url}/uploads`, 'POST', client, { 'upload-length': String(length), ...headers });
  expect(response.status).toBe(201);
  return response.headers.get('location')!;
}

async function offsetOf(url: string, client: ApiClient): Promise<number> {
  const response = await tusRequest(url, 'HEAD', client);
  expect(response.status).toBe(200);
  return Number(response.headers.get('upload-offset'));
}

async function sendUploads(client: ApiClient, recipients: string[], uploads: string[]) {
  return client.request(SEND, { input: { recipients, subject: 'Pièces volumineuses', lifetimeDays: 3, uploads } });
}

/**
 * The default Node HTTP stack of tus-js-client, except that PATCH number `which` sends only its
 * first `cutAfter` bytes, keeps the request open for a moment (calling `whileStalled`), then
 * destroys the connection: a connection lost in the middle of a PATCH.
 */
class CuttingStack implements tus.HttpStack {
  private readonly inner = new tus.DefaultHttpStack({});
  private patches = 0;

  constructor(
    private readonly which: number,
    private readonly cutAfter: number,
    private readonly whileStalled: () => Promise<void> = async () => {},
  ) {}

  createRequest(method: string, url: string): tus.HttpRequest {
    const request = this.inner.createRequest(method, url);
    if (method !== 'PATCH' || ++this.patches !== this.which) return request;
    const send = request.send.bind(request);
    request.send = (body: Buffer) => {
      const partial = new PassThrough();
      partial.write(body.subarray(0, this.cutAfter)); // and never ended
      const sent = send(partial);
      setTimeout(() => {
        void this.whileStalled().finally(() => request.getUnderlyingObject().destroy(new Error('connection cut by the test')));
      }, 300);
      return sent;
    };
    return request;
  }

  getName(): string {
    return 'CuttingStack';
  }
}

describe('resumable uploads end to end', () => {
  it('uploads in chunks, survives a connection cut mid-PATCH by resuming from the durable offset, then sends and downloads intact', async () => {
    const data = markedBytes(6 * 1024 * 1024 + 1000);
    const needle = data.subarray(0, 64);
    const heads: number[] = [];
    let leaksWhileStalled: string[] | undefined;
    let filesWhileStalled: string[] = [];
    // The first PATCH (5 MiB) stops after 4.5 MiB + 100 bytes: enough for records to be on disk meanwhile.
    const cut = new CuttingStack(1, 72 * R + 100, async () => {
      await new Promise((r) => setTimeout(r, 300));
      filesWhileStalled = uploadFiles(server);
      leaksWhileStalled = filesHolding(server.services.config.dataDir, needle);
    });
    const url = await upload(
      data,
      tusOptions(server, agentClient, {
        chunkSize: 80 * R,
        httpStack: cut,
        metadata: { filename: 'grand dossier.pdf' },
        onAfterResponse: (req, res) => {
          if (req.getMethod() === 'HEAD') heads.push(Number(res.getHeader('Upload-Offset')));
        },
      }),
    );
    expect(filesWhileStalled).toEqual([idOf(url)]);
    expect(leaksWhileStalled).toEqual([]);
    // The 72 whole records that arrived were kept; the 100 bytes of the 73rd were dropped.
    expect(heads).toEqual([72 * R]);

    const { body } = await sendUploads(agentClient, [partner.email], [idOf(url)]);
    expect(body.errors).toBeUndefined();
    const file = body.data!.sendMessage.files[0];
    expect(file).toMatchObject({ name: 'grand dossier.pdf', size: data.length, sha256: sha256(data) });
    const download = await fetchBytes(await downloadUrl(partnerClient, file.id));
    expect(download.status).toBe(200);
    expect(sha256(download.body)).toBe(sha256(data));
    // The encrypted upload became the blob: nothing left under uploads/, no plaintext anywhere.
    expect(uploadFiles(server)).toEqual([]);
    expect(filesHolding(server.services.config.dataDir, needle)).toEqual([]);
  });

  it('resumes after the server restarts between two chunks (fingerprint recomputed from the stored records)', async () => {
    const first = await startTestServer({ env: { MAX_MESSAGE_BYTES: String(LIMIT) } });
    let second: TestServer | undefined;
    try {
      const sender = await buildUser(first, { role: Role.AGENT });
      const recipient = await buildUser(first, { role: Role.AGENT });
      const senderClient = await signIn(first, sender);
      const data = markedBytes(1024 * 1024 + 12_345);
      const needle = data.subarray(0, 64);
      const url = await new Promise<string>((resolve, reject) => {
        const run: tus.Upload = new tus.Upload(data, {
          ...tusOptions(first, senderClient),
          onChunkComplete: (_size, accepted) => {
            if (accepted >= 8 * R) {
              void run.abort();
              resolve(run.url!);
            }
          },
          onSuccess: () => reject(new Error('should have stopped after two chunks')),
          onError: reject,
        });
        run.start();
      });
      expect(await offsetOf(url, senderClient)).toBe(8 * R);
      expect(filesHolding(first.services.config.dataDir, needle)).toEqual([]);

      await first.stop();
      second = await startTestServer({ peer: first, port: Number(new URL(first.url).port) });
      expect(second.url).toBe(first.url);
      const resumedClient = second.client();
      resumedClient.cookies = senderClient.cookies; // the same browser, whose session is in the database
      const heads: number[] = [];
      const done = await upload(
        data,
        tusOptions(second, resumedClient, {
          uploadUrl: url,
          onAfterResponse: (req, res) => {
            if (req.getMethod() === 'HEAD') heads.push(Number(res.getHeader('Upload-Offset')));
          },
        }),
      );
      expect(done).toBe(url);
      expect(heads).toEqual([8 * R]);
      const { body } = await sendUploads(resumedClient, [recipient.email], [idOf(url)]);
      expect(body.errors).toBeUndefined();
      const file = body.data!.sendMessage.files[0];
      expect(file.sha256).toBe(sha256(data));
      const recipientClient = await signIn(second, recipient);
      const download = await fetchBytes(await downloadUrl(recipientClient, file.id));
      expect(sha256(download.body)).toBe(sha256(data));
      expect(filesHolding(second.services.config.dataDir, needle)).toEqual([]);
    } finally {
      await second?.close();
      await first.close();
    }
  });

  it('attaches uploads alongside multipart files, in order, within one size limit counting both', async () => {
    const big = randomFile('gros.bin', 5 * 1024 * 1024);
    const url = await upload(big.content, tusOptions(server, agentClient, { metadata: { filename: '../../etc/passwd' } }));
    const head = await tusRequest(url, 'HEAD', agentClient);
    expect(head.headers.get('upload-metadata')).toBe(`filename ${Buffer.from('passwd').toString('base64')}`);
    expect(head.headers.get('upload-length')).toBe(String(big.content.length));
    expect(head.headers.get('cache-control')).toBe('no-store');

    // 5 MiB of upload + 8 MiB of multipart > 12 MiB: refused whole, and the upload stays usable.
    const tooMuch = await sendMessage(agentClient, { recipients: [partner.email], uploads: [idOf(url)] }, [randomFile('plus.bin', 8 * 1024 * 1024)]);
    expect(tooMuch.body.errors?.[0].extensions?.code).toBe('PAYLOAD_TOO_LARGE');
    expect(await offsetOf(url, agentClient)).toBe(big.content.length);

    const small = randomFile('petit.txt', 1000);
    const { body } = await sendMessage(agentClient, { recipients: [partner.email], uploads: [idOf(url)] }, [small]);
    expect(body.errors).toBeUndefined();
    expect(body.data!.sendMessage.files.map((f: { name: string; sha256: string }) => [f.name, f.sha256])).toEqual([
      ['petit.txt', sha256(small.content)],
      ['passwd', sha256(big.content)],
    ]);
  });

  it('accepts the first bytes with the creation request (creation-with-upload)', async () => {
    const data = randomFile('c.bin', 2 * R + 7).content;
    const response = await tusRequest(`${server.url}/uploads`, 'POST', agentClient, { 'upload-length': String(data.length), 'content-type': 'application/offset+octet-stream' }, data);
    expect(response.status).toBe(201);
    expect(response.headers.get('upload-offset')).toBe(String(data.length));
    const { body } = await sendUploads(agentClient, [partner.email], [idOf(response.headers.get('location')!)]);
    expect(body.data!.sendMessage.files[0]).toMatchObject({ size: data.length, sha256: sha256(data) });
  });

  it('stores an empty upload complete at creation', async () => {
    const url = await create(agentClient, 0, { 'upload-metadata': `filename ${Buffer.from('vide.txt').toString('base64')}` });
    expect(await offsetOf(url, agentClient)).toBe(0);
    const { body } = await sendUploads(agentClient, [partner.email], [idOf(url)]);
    expect(body.errors).toBeUndefined();
    const file = body.data!.sendMessage.files[0];
    expect(file).toMatchObject({ name: 'vide.txt', size: 0, sha256: sha256(Buffer.alloc(0)) });
    const download = await fetchBytes(await downloadUrl(partnerClient, file.id));
    expect(download.body.length).toBe(0);
  });
});

describe('ownership and single use', () => {
  it("answers 404 to another user's HEAD, PATCH and DELETE, and sendMessage says NOT_FOUND", async () => {
    const url = await create(agentClient, 3 * R);
    expect((await tusRequest(url, 'HEAD', partnerClient)).status).toBe(404);
    const patch = await tusRequest(url, 'PATCH', partnerClient, { 'upload-offset': '0', 'content-type': 'application/offset+octet-stream' }, Buffer.alloc(R));
    expect(patch.status).toBe(404);
    expect((await tusRequest(url, 'DELETE', partnerClient)).status).toBe(404);
    expect((await tusRequest(`${server.url}/uploads/00000000-0000-4000-8000-000000000000`, 'HEAD', agentClient)).status).toBe(404);
    expect((await tusRequest(`${server.url}/uploads/not-an-id`, 'HEAD', agentClient)).status).toBe(404);
    // Nothing happened to it.
    expect(await offsetOf(url, agentClient)).toBe(0);

    const agent2 = await buildUser(server, { role: Role.AGENT });
    const { body } = await sendUploads(partnerClient, [agent2.email], [idOf(url)]);
    expect(body.errors?.[0].extensions?.code).toBe('NOT_FOUND');
    expect((await tusRequest(url, 'DELETE', agentClient)).status).toBe(204);
    expect((await tusRequest(url, 'HEAD', agentClient)).status).toBe(404);
  });

  it('refuses an upload used twice, an incomplete one, and the same id twice in one message', async () => {
    const data = randomFile('a.bin', 3 * R + 5).content;
    const url = await upload(data, tusOptions(server, agentClient));
    const again = await sendUploads(agentClient, [partner.email], [idOf(url), idOf(url)]);
    expect(again.body.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    const first = await sendUploads(agentClient, [partner.email], [idOf(url)]);
    expect(first.body.errors).toBeUndefined();
    const second = await sendUploads(agentClient, [partner.email], [idOf(url)]);
    expect(second.body.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect((await tusRequest(url, 'HEAD', agentClient)).status).toBe(404);

    const incomplete = await create(agentClient, 2 * R);
    const refused = await sendUploads(agentClient, [partner.email], [idOf(incomplete)]);
    expect(refused.body.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    expect((await tusRequest(incomplete, 'DELETE', agentClient)).status).toBe(204);
  });

  it('lets only one of two concurrent sends use an upload', async () => {
    const url = await upload(randomFile('b.bin', 1000).content, tusOptions(server, agentClient));
    const results = await Promise.all([1, 2].map(() => sendUploads(agentClient, [partner.email], [idOf(url)])));
    expect(results.filter((r) => !r.body.errors).length).toBe(1);
    expect(results.find((r) => r.body.errors)!.body.errors![0].extensions?.code).toBe('BAD_USER_INPUT');
  });
});

describe('limits', () => {
  it('refuses at creation a declared length over MAX_MESSAGE_BYTES (413), and a deferred length', async () => {
    const tooBig = await tusRequest(`${server.url}/uploads`, 'POST', agentClient, { 'upload-length': String(LIMIT + 1) });
    expect(tooBig.status).toBe(413);
    const atLimit = await create(agentClient, LIMIT);
    expect((await tusRequest(atLimit, 'DELETE', agentClient)).status).toBe(204);
    const deferred = await tusRequest(`${server.url}/uploads`, 'POST', agentClient, { 'upload-defer-length': '1' });
    expect(deferred.status).toBe(501); // creation-defer-length is not offered
    const options = await fetch(`${server.url}/uploads`, { method: 'OPTIONS' });
    expect(options.headers.get('tus-max-size')).toBe(String(LIMIT));
    expect(options.headers.get('tus-extension')).toBe('creation,creation-with-upload,termination,expiration');
    // tus-js-client reports the refusal.
    const error = await upload(Buffer.alloc(10), tusOptions(server, agentClient, { uploadSize: LIMIT + 1 } as tus.UploadOptions)).catch((e: tus.DetailedError) => e);
    expect((error as tus.DetailedError).originalResponse?.getStatus()).toBe(413);
  });

  it('refuses bytes beyond the declared length, whether announced or streamed', async () => {
    const url = await create(agentClient, R + 10);
    const announced = await tusRequest(url, 'PATCH', agentClient, { 'upload-offset': '0', 'content-type': 'application/offset+octet-stream' }, Buffer.alloc(R + 11));
    expect(announced.status).toBe(413);
    expect(await offsetOf(url, agentClient)).toBe(0);
    const streamed = new ReadableStream({
      start(controller) {
        controller.enqueue(new Uint8Array(R + 11));
        controller.close();
      },
    });
    const chunked = await tusRequest(url, 'PATCH', agentClient, { 'upload-offset': '0', 'content-type': 'application/offset+octet-stream' }, streamed);
    expect(chunked.status).toBe(413);
    expect(await offsetOf(url, agentClient)).toBeLessThanOrEqual(R + 10);
    expect((await tusRequest(url, 'DELETE', agentClient)).status).toBe(204);
  });

  it(`allows ${MAX_UPLOADS_IN_PROGRESS} uploads in progress per user`, async () => {
    const busy = await buildUser(server, { role: Role.AGENT });
    const busyClient = await signIn(server, busy);
    const urls: string[] = [];
    for (let i = 0; i < MAX_UPLOADS_IN_PROGRESS; i++) urls.push(await create(busyClient, 100));
    const refused = await tusRequest(`${server.url}/uploads`, 'POST', busyClient, { 'upload-length': '100' });
    expect(refused.status).toBe(429);
    // Another user is not affected; ending one frees a place.
    expect((await tusRequest(`${server.url}/uploads`, 'POST', partnerClient, { 'upload-length': '100' })).status).toBe(201);
    expect((await tusRequest(urls[0], 'DELETE', busyClient)).status).toBe(204);
    await create(busyClient, 100);
  });
});

describe('CSRF and authentication', () => {
  it('refuses a cookie request from a foreign origin, one without Tus-Resumable, and one without a session', async () => {
    const foreign = await tusRequest(`${server.url}/uploads`, 'POST', agentClient, { 'upload-length': '10', origin: 'https://evil.example' });
    expect(foreign.status).toBe(403);
    const noHeader = await fetch(`${server.url}/uploads`, { method: 'POST', headers: { cookie: agentClient.cookieHeader()!, 'upload-length': '10' } });
    expect(noHeader.status).toBe(412);
    const anonymous = await tusRequest(`${server.url}/uploads`, 'POST', null, { 'upload-length': '10' });
    expect(anonymous.status).toBe(401);
    const sameOrigin = await tusRequest(`${server.url}/uploads`, 'POST', agentClient, { 'upload-length': '10', origin: server.url });
    expect(sameOrigin.status).toBe(201);
    expect(sameOrigin.headers.get('location')).toMatch(new RegExp(`^${server.url}/uploads/[0-9a-f-]{36}$`));
    expect((await tusRequest(sameOrigin.headers.get('location')!, 'DELETE', agentClient, { origin: 'https://evil.example' })).status).toBe(403);
  });

  it('accepts an API token (Authorization: Bearer) as on /graphql', async () => {
    const { createApiToken } = await agentClient.gql(`mutation { createApiToken(name: "script") { token } }`);
    const response = await tusRequest(`${server.url}/uploads`, 'POST', null, { 'upload-length': '10', authorization: `Bearer ${createApiToken.token}` });
    expect(response.status).toBe(201);
    expect((await tusRequest(response.headers.get('location')!, 'HEAD', agentClient)).status).toBe(200);
  });
});

describe('sweep', () => {
  it('finishes moving a used upload into the blob store when the process died between the commit and the move', async () => {
    const data = randomFile('d.bin', R + 3).content;
    const url = await upload(data, tusOptions(server, agentClient));
    const em = server.services.orm.em.fork();
    const [row] = await em.execute<{ file_id: string }[]>(`update tus_uploads set used_at = now() where id = ? returning file_id`, [idOf(url)]);
    const blob = join(server.services.config.dataDir, 'files', 'blobs', row.file_id.slice(0, 2), row.file_id);
    expect(uploadFiles(server)).toContain(idOf(url));
    await server.services.files.sweep();
    expect(uploadFiles(server)).not.toContain(idOf(url));
    expect(readFileSync(blob).length).toBe(16 + data.length + 2 * 16);
  });
});

// Last: it moves the clock a day forward (sessions expire too).
describe('expiry', () => {
  it('announces Upload-Expires, refuses an expired upload, and sweeps its bytes and row', async () => {
    const created = await tusRequest(`${server.url}/uploads`, 'POST', agentClient, { 'upload-length': String(3 * R) });
    const url = created.headers.get('location')!;
    const expires = new Date(created.headers.get('upload-expires')!).getTime();
    expect(Math.abs(expires - (server.clock.now().getTime() + 24 * 3600_000))).toBeLessThan(5000);
    const patch = await tusRequest(url, 'PATCH', agentClient, { 'upload-offset': '0', 'content-type': 'application/offset+octet-stream' }, Buffer.alloc(R, 1));
    expect(patch.status).toBe(204);
    const complete = await upload(Buffer.alloc(100, 2), tusOptions(server, agentClient));
    expect(uploadFiles(server)).toEqual(expect.arrayContaining([idOf(url), idOf(complete)]));

    server.clock.advance(24 * 3600_000 + 60_000);
    const client = await signIn(server, agent);
    expect((await tusRequest(url, 'HEAD', client)).status).toBe(410);
    const { body } = await sendUploads(client, [partner.email], [idOf(complete)]);
    expect(body.errors?.[0].extensions?.code).toBe('NOT_FOUND');

    await server.services.files.sweep();
    expect(uploadFiles(server)).toEqual([]);
    const rows = await server.services.orm.em.fork().execute<{ n: number }[]>(`select count(*)::int as n from tus_uploads where used_at is null`);
    expect(rows[0].n).toBe(0);
    expect((await tusRequest(url, 'HEAD', client)).status).toBe(404);
    expect((await tusRequest(complete, 'HEAD', client)).status).toBe(404);
  });
});
