// Uploads have no time limit as a whole — a 2 GiB file on a slow line takes longer than Node's
// default 5 minutes for receiving a request — but one that stops sending is cut after the idle
// time (two minutes by default; 400 ms here): multipart sends leave nothing, tus keeps its
// durable offset and resumes.
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiClient } from '../support/api-client.js';
import { agentAndPartner, type BuiltUser } from '../support/factories.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { CLOSING, PART_END, partHead, postPieces, randomFile, sendFieldParts, sha256, type RawAnswer } from '../support/uploads.js';

const IDLE_MS = 400;
const KiB = 1024;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let server: TestServer;
let agent: BuiltUser;
let partner: BuiltUser;
let agentClient: ApiClient;

beforeAll(async () => {
  server = await startTestServer({ uploadIdleMs: IDLE_MS });
  ({ agent, partner, agentClient } = await agentAndPartner(server));
});
afterAll(() => server?.close());

const messagesOf = async (user: BuiltUser) =>
  (await server.services.orm.em.fork().execute<{ n: number }[]>('select count(*)::int as n from messages where sender_id = ?', [user.id]))[0].n;

/** A multipart send of `file`, its bytes written in `pieces` with `pauseMs` between them. */
async function sendSlowly(file: Buffer, pieces: number, pauseMs: number): Promise<RawAnswer> {
  const size = Math.ceil(file.length / pieces);
  return postPieces(
    agentClient,
    (async function* () {
      for (const part of sendFieldParts({ recipients: [partner.email] }, 1)) yield Buffer.concat([partHead(part.name), Buffer.from(part.content), PART_END]);
      yield partHead('0', 'lent.bin');
      for (let start = 0; start < file.length; start += size) {
        yield file.subarray(start, start + size);
        await sleep(pauseMs);
      }
      yield Buffer.concat([PART_END, CLOSING]);
    })(),
  );
}

describe('an upload that keeps sending', () => {
  it('is never cut, however long it takes as a whole', async () => {
    const file = randomFile('lent.bin', 64 * KiB).content;
    // 8 pieces, 150 ms apart: over 1 s in all, never idle for 400 ms
    const answer = await sendSlowly(file, 8, 150);
    expect(answer.body?.errors).toBeUndefined();
    const sent = (answer.body?.data as { sendMessage: { files: { sha256: string }[] } }).sendMessage;
    expect(sent.files[0].sha256).toBe(sha256(file));
  });
});

describe('an upload that stops sending', () => {
  it('multipart: the connection is cut and nothing is left', async () => {
    const before = await messagesOf(agent);
    const started = Date.now();
    // half the file, then silence
    await expect(sendSlowly(randomFile('lent.bin', 64 * KiB).content, 2, 5_000)).rejects.toThrow(/socket hang up|ECONNRESET|EPIPE/);
    expect(Date.now() - started).toBeLessThan(4_000);
    await sleep(200);
    expect(await messagesOf(agent)).toBe(before);
    expect((await server.services.orm.em.fork().execute<{ n: number }[]>('select count(*)::int as n from pending_uploads'))[0].n).toBe(0);
  });

  it('tus: the PATCH is cut, the durable offset stays, and the upload resumes from it', async () => {
    const data = randomFile('repris.bin', 512 * KiB).content;
    const cookie = agentClient.cookieHeader()!;
    const created = await fetch(`${server.url}/uploads`, { method: 'POST', headers: { 'tus-resumable': '1.0.0', 'upload-length': String(data.length), cookie } });
    expect(created.status).toBe(201);
    const url = new URL(created.headers.get('location')!, server.url).href;

    // 256 KiB, then silence: the server closes the connection
    const cut = await new Promise<string>((resolve) => {
      const patch = request(url, {
        method: 'PATCH',
        headers: { 'tus-resumable': '1.0.0', 'upload-offset': '0', 'content-type': 'application/offset+octet-stream', 'content-length': String(data.length), cookie },
      });
      patch.on('response', (response) => resolve(`answered ${response.statusCode}`));
      patch.on('error', (error) => resolve(error.message));
      patch.write(data.subarray(0, 256 * KiB));
    });
    expect(cut).toMatch(/socket hang up|ECONNRESET|EPIPE/);

    const head = await fetch(url, { method: 'HEAD', headers: { 'tus-resumable': '1.0.0', cookie } });
    const offset = Number(head.headers.get('upload-offset'));
    expect(offset).toBeGreaterThan(0);
    expect(offset).toBeLessThanOrEqual(256 * KiB);
    const rest = await fetch(url, {
      method: 'PATCH',
      headers: { 'tus-resumable': '1.0.0', 'upload-offset': String(offset), 'content-type': 'application/offset+octet-stream', cookie },
      body: data.subarray(offset),
    });
    expect(rest.status).toBe(204);
    const { sendMessage } = await agentClient.gql(
      `mutation S($input: SendMessageInput!) { sendMessage(input: $input) { files { size sha256 } } }`,
      { input: { recipients: [partner.email], subject: 'Repris', lifetimeDays: 1, uploads: [url.slice(url.lastIndexOf('/') + 1)] } },
    );
    expect(sendMessage.files).toEqual([{ size: data.length, sha256: sha256(data) }]);
  });
});
