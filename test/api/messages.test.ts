// Sending and receiving documents over real HTTP: multipart uploads into encrypted storage,
// inbox and sent box, opening, downloads with Range, the zip, deletion, and every refusal.
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import yauzl from 'yauzl';
import { Role } from '../../server/src/accounts/user.entity.js';
import type { ApiClient } from '../support/api-client.js';
import { agentAndPartner, buildUser, signIn, uniqueEmail, type BuiltUser } from '../support/factories.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { downloadUrl, fetchBytes, randomFile, sendMessage, sendOk, sha256 } from '../support/uploads.js';

const LIMIT = 1024 * 1024; // MAX_MESSAGE_BYTES for this file
const MESSAGE = `query ($id: ID!) { message(id: $id) { id subject expired sender { email }
  recipients { user { email } viewedAt downloads { file { id } at } } files { id name size sha256 } } }`;

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

/** Every file under the storage folder, with its bytes. */
function storedBlobs(): { path: string; bytes: Buffer }[] {
  const found: { path: string; bytes: Buffer }[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else found.push({ path, bytes: readFileSync(path) });
    }
  };
  walk(server.services.config.dataDir);
  return found;
}
/** Polls `read` until `done` holds (the server records a download just after the last byte leaves). */
async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((r) => setTimeout(r, 50));
  }
}
const blobCount = () => storedBlobs().filter((b) => b.path.includes('/files/blobs/')).length;
const count = async (table: string) => (await server.services.orm.em.fork().execute<{ n: number }[]>(`select count(*)::int as n from ${table}`))[0].n;

describe('send and receive', () => {
  it('round-trips several files, fingerprinted on both sides, and mails each recipient and the sender', async () => {
    const files = [randomFile("relevé d'identité.pdf", 200_000), randomFile('note.txt', 1), randomFile('vide.bin', 0), randomFile('gros.dat', 300_000)];
    const message = await sendOk(partnerClient, { recipients: [agent.email.toUpperCase()], subject: 'Dossier Martin', comment: 'Voici les pièces.', lifetimeDays: 3 }, files);
    expect(message).toMatchObject({ subject: 'Dossier Martin', comment: 'Voici les pièces.', lifetimeDays: 3, expired: false, sender: { email: partner.email } });
    expect(new Date(message.expiresAt).getTime() - new Date(message.sentAt).getTime()).toBe(3 * 86_400_000);
    expect(message.files.map((f: { name: string; size: number; sha256: string }) => [f.name, f.size, f.sha256])).toEqual(files.map((f) => [f.name, f.content.length, sha256(f.content)]));

    const { inbox } = await agentClient.gql(`{ inbox { items { id subject files { name } } nextCursor } }`);
    expect(inbox.items[0]).toMatchObject({ id: message.id, subject: 'Dossier Martin' });
    for (const [index, file] of message.files.entries()) {
      const download = await fetchBytes(await downloadUrl(agentClient, file.id));
      expect(download.status).toBe(200);
      expect(sha256(download.body)).toBe(sha256(files[index].content));
      expect(download.headers.get('content-type')).toBe('application/octet-stream');
      expect(download.headers.get('x-content-type-options')).toBe('nosniff');
      expect(download.headers.get('cache-control')).toBe('no-store');
      expect(download.headers.get('content-length')).toBe(String(files[index].content.length));
    }
    const first = await fetchBytes(await downloadUrl(agentClient, message.files[0].id));
    expect(first.headers.get('content-disposition')).toBe(`attachment; filename="releve d'identite.pdf"; filename*=UTF-8''relev%C3%A9%20d%27identit%C3%A9.pdf`);

    const notice = await server.mail.waitFor((m) => m.to.includes(agent.email) && m.subject.includes('Dossier Martin'));
    expect(notice.subject).toBe(`PLEX : nouveaux documents de ${partner.displayName} — Dossier Martin`);
    expect(notice.text).toContain(`${server.url}/messages/${message.id}`);
    expect(notice.text).toContain(sha256(files[0].content));
    expect(notice.text).not.toContain('Voici les pièces.');
    const copy = await server.mail.waitFor((m) => m.to.includes(partner.email) && m.subject.includes('Dossier Martin'));
    expect(copy.subject).toBe('PLEX : copie de votre message — Dossier Martin');
    expect(copy.text).toContain('vaut accusé de réception');
    expect(copy.text).toContain(agent.email);
  });

  it('keeps no plaintext of an upload anywhere under DATA_DIR', async () => {
    const marker = Buffer.from(`PLEX-PLAINTEXT-MARKER-${Date.now()}-`.repeat(2000));
    await sendOk(agentClient, { recipients: [partner.email] }, [{ name: 'secret.txt', content: marker }]);
    const needle = marker.subarray(0, 64);
    const leaks = storedBlobs().filter((b) => b.bytes.includes(needle));
    expect(leaks.map((b) => b.path)).toEqual([]);
  });

  it('cleans names: path parts, CRLF, bidi overrides, 300 bytes', async () => {
    // CR and LF in a multipart file name are percent-encoded by the client, as browsers do (the
    // removal of control characters is covered by file-name.test.ts).
    const names = ['../../etc/passwd', 'a\r\nX-Injected: yes.txt', 'facture\u202Efdp.exe', `${'n'.repeat(296)}.pdf`];
    const message = await sendOk(agentClient, { recipients: [partner.email] }, names.map((n) => randomFile(n, 10)));
    const stored = message.files.map((f: { name: string }) => f.name);
    expect(stored.slice(0, 3)).toEqual(['passwd', 'a%0D%0AX-Injected: yes.txt', 'facturefdp.exe']);
    expect(Buffer.byteLength(stored[3])).toBe(255);
    expect(stored[3].endsWith('.pdf')).toBe(true);
    const download = await fetchBytes(await downloadUrl(partnerClient, message.files[1].id));
    expect(download.headers.get('content-type')).toBe('application/octet-stream');
    expect(download.headers.get('content-disposition')).toBe(`attachment; filename="a_0D_0AX-Injected: yes.txt"; filename*=UTF-8''a%250D%250AX-Injected%3A%20yes.txt`);
    expect(download.headers.get('x-injected')).toBeNull();
  });

  it('refuses a malformed multipart body as bad input, storing nothing', async () => {
    const blobs = blobCount();
    const boundary = 'plexboundary';
    const operations = JSON.stringify({ query: `mutation ($input: SendMessageInput!) { sendMessage(input: $input) { id } }`, variables: { input: { recipients: [partner.email], subject: 's', lifetimeDays: 1, files: [null] } } });
    const body =
      `--${boundary}\r\nContent-Disposition: form-data; name="operations"\r\n\r\n${operations}\r\n` +
      `--${boundary}\r\nContent-Disposition: form-data; name="map"\r\n\r\n{"0":["variables.input.files.0"]}\r\n` +
      `--${boundary}\r\nContent-Disposition: form-data; name="0"; filename="a\u0007b.txt"\r\n\r\nhello\r\n--${boundary}--\r\n`;
    const response = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, 'apollo-require-preflight': 'true', cookie: agentClient.cookieHeader()! },
      body,
    });
    const result = (await response.json()) as { errors: { extensions: { code: string } }[] };
    expect(result.errors[0].extensions.code).toBe('BAD_USER_INPUT');
    expect(blobCount()).toBe(blobs);
  });

  it('answers Range requests with 206 so that a broken download resumes to identical bytes', async () => {
    const file = randomFile('long.bin', 250_000);
    const message = await sendOk(agentClient, { recipients: [partner.email] }, [file]);
    const url = await downloadUrl(partnerClient, message.files[0].id);
    const head = await fetchBytes(url, { range: 'bytes=0-99999' });
    expect(head.status).toBe(206);
    expect(head.headers.get('content-range')).toBe('bytes 0-99999/250000');
    const before = await partnerClient.gql(MESSAGE, { id: message.id });
    expect(before.message.recipients[0].viewedAt).toBeNull(); // a partial download counts nothing
    const tail = await fetchBytes(url, { range: 'bytes=100000-' });
    expect(tail.status).toBe(206);
    expect(sha256(Buffer.concat([head.body, tail.body]))).toBe(sha256(file.content));
    const middle = await fetchBytes(await downloadUrl(partnerClient, message.files[0].id), { range: 'bytes=65530-65545' });
    expect(middle.body.equals(file.content.subarray(65530, 65546))).toBe(true);
    const bad = await fetchBytes(await downloadUrl(partnerClient, message.files[0].id), { range: 'bytes=250000-' });
    expect(bad.status).toBe(416);

    const seen = await eventually(() => agentClient.gql(MESSAGE, { id: message.id }), (r) => r.message.recipients[0].downloads.length === 1);
    expect(seen.message.recipients[0].viewedAt).not.toBeNull(); // the download reaching the end counted, and viewed
    expect(seen.message.recipients[0].downloads).toHaveLength(1);
    // The link that completed a download is used up.
    expect((await fetchBytes(url)).status).toBe(404);
  });

  it('streams every file as one zip of intact, uniquely named entries, counted when complete', async () => {
    const files = [randomFile('a.txt', 5000), randomFile('a.txt', 70_000), randomFile('../b.txt', 0)];
    const message = await sendOk(agentClient, { recipients: [partner.email] }, files);
    const { downloadAll } = await partnerClient.gql(`mutation ($id: ID!) { downloadAll(messageId: $id) { url expiresAt } }`, { id: message.id });
    const zip = await fetchBytes(downloadAll.url);
    expect(zip.status).toBe(200);
    expect(zip.headers.get('content-length')).toBe(String(zip.body.length));
    const entries = await new Promise<{ name: string; data: Buffer }[]>((resolve, reject) => {
      yauzl.fromBuffer(zip.body, { lazyEntries: true }, (error, archive) => {
        if (error || !archive) return reject(error);
        const read: { name: string; data: Buffer }[] = [];
        archive.on('entry', (entry: yauzl.Entry) => {
          expect(entry.compressionMethod).toBe(0);
          archive.openReadStream(entry, (e, stream) => {
            if (e || !stream) return reject(e);
            const chunks: Buffer[] = [];
            stream.on('data', (c: Buffer) => chunks.push(c));
            stream.on('end', () => {
              read.push({ name: entry.fileName, data: Buffer.concat(chunks) });
              archive.readEntry();
            });
          });
        });
        archive.on('end', () => resolve(read));
        archive.readEntry();
      });
    });
    expect(entries.map((e) => e.name)).toEqual(['a.txt', 'a (2).txt', 'b.txt']);
    entries.forEach((entry, i) => expect(sha256(entry.data)).toBe(sha256(files[i].content)));
    const seen = await eventually(() => agentClient.gql(MESSAGE, { id: message.id }), (r) => r.message.recipients[0].downloads.length === 3);
    expect(seen.message.recipients[0].downloads.map((d: { file: { id: string } }) => d.file.id).sort()).toEqual(message.files.map((f: { id: string }) => f.id).sort());
  });

  it('opens: records the first view once; the sender sees it, other recipients do not', async () => {
    const other = await buildUser(server, { role: Role.AGENT });
    const otherClient = await signIn(server, other);
    const message = await sendOk(agentClient, { recipients: [partner.email, other.email] }, [randomFile('x', 3)]);
    const OPEN = `mutation ($id: ID!) { openMessage(id: $id) { id recipients { user { email } viewedAt } } }`;
    const opened = (await partnerClient.gql(OPEN, { id: message.id })).openMessage;
    const firstView = opened.recipients.find((r: { user: { email: string } }) => r.user.email === partner.email).viewedAt;
    expect(firstView).not.toBeNull();
    await partnerClient.gql(OPEN, { id: message.id });
    const asSender = await agentClient.gql(MESSAGE, { id: message.id });
    expect(asSender.message.recipients.map((r: { viewedAt: string | null }) => r.viewedAt)).toEqual([firstView, null]);
    await otherClient.gql(OPEN, { id: message.id });
    const asOther = await otherClient.gql(MESSAGE, { id: message.id });
    expect(asOther.message.recipients.find((r: { user: { email: string } }) => r.user.email === partner.email).viewedAt).toBeNull();
    const views = await server.services.orm.em.fork().execute(`select 1 from audit_events where type = 'message.viewed' and message_id = ?`, [message.id]);
    expect(views).toHaveLength(2);
  });

  it('pages the inbox and the sent box newest first, with an active / expired filter', async () => {
    const sender = await buildUser(server, { role: Role.AGENT });
    const receiver = await buildUser(server, { role: Role.AGENT });
    const senderClient = await signIn(server, sender);
    const receiverClient = await signIn(server, receiver);
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await sendOk(senderClient, { recipients: [receiver.email], subject: `n°${i}`, lifetimeDays: i === 0 ? 1 : 15 }, [randomFile('f', 1)])).id);
    const PAGE = `query ($after: String, $status: MessageStatus) { inbox(first: 2, after: $after, status: $status) { items { id } nextCursor } }`;
    const seen: string[] = [];
    let after: string | null = null;
    do {
      const { inbox } = (await receiverClient.gql(PAGE, { after })) as { inbox: { items: { id: string }[]; nextCursor: string | null } };
      seen.push(...inbox.items.map((m) => m.id));
      after = inbox.nextCursor;
    } while (after);
    expect(seen).toEqual([...ids].reverse());
    expect((await senderClient.gql(`{ sent(first: 10) { items { id } } }`)).sent.items.map((m: { id: string }) => m.id)).toEqual([...ids].reverse());
    server.clock.advance(86_400_000 + 1000);
    try {
      const later = await signIn(server, receiver); // a day later, the earlier session has timed out
      expect((await later.gql(`{ inbox(status: EXPIRED) { items { id expired } } }`)).inbox.items).toEqual([{ id: ids[0], expired: true }]);
      expect((await later.gql(`{ inbox(status: ACTIVE, first: 10) { items { id } } }`)).inbox.items).toHaveLength(4);
    } finally {
      server.clock.advance(-(86_400_000 + 1000));
    }
    expect((await receiverClient.gqlError(`{ inbox(after: "garbage") { items { id } } }`)).code).toBe('BAD_USER_INPUT');
  });

  it('20 concurrent sends of 5 MiB round-trip', async () => {
    const big = await startTestServer();
    try {
      const from = await buildUser(big);
      const to = await buildUser(big);
      const fromClient = await signIn(big, from);
      const toClient = await signIn(big, to);
      const files = Array.from({ length: 20 }, (_, i) => randomFile(`lot-${i}.bin`, 5 * 1024 * 1024));
      const sent = await Promise.all(files.map((file) => sendOk(fromClient, { recipients: [to.email] }, [file])));
      for (const [i, message] of sent.entries()) {
        const download = await fetchBytes(await downloadUrl(toClient, message.files[0].id));
        expect(sha256(download.body)).toBe(sha256(files[i].content));
      }
    } finally {
      await big.close();
    }
  }, 120_000);
});

describe('interrupted sends', () => {
  it('a client that aborts at 50 % leaves no message, no mail, no bytes', async () => {
    const { request } = await import('node:http');
    const subject = `abandon-${Date.now()}`;
    const boundary = 'plexabort';
    const operations = JSON.stringify({ query: `mutation ($input: SendMessageInput!) { sendMessage(input: $input) { id } }`, variables: { input: { recipients: [partner.email], subject, lifetimeDays: 1, files: [null] } } });
    const head = Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="operations"\r\n\r\n${operations}\r\n` +
        `--${boundary}\r\nContent-Disposition: form-data; name="map"\r\n\r\n{"0":["variables.input.files.0"]}\r\n` +
        `--${boundary}\r\nContent-Disposition: form-data; name="0"; filename="moitie.bin"\r\n\r\n`,
    );
    const size = 800_000;
    const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
    const blobs = blobCount();
    await new Promise<void>((resolve) => {
      const req = request(`${server.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': String(head.length + size + tail.length), 'apollo-require-preflight': 'true', cookie: agentClient.cookieHeader()! },
      });
      req.on('error', () => resolve());
      req.write(head);
      req.write(randomFile('x', size / 2).content, () => setTimeout(() => {
        req.destroy();
        resolve();
      }, 200));
    });
    await new Promise((r) => setTimeout(r, 500));
    expect(await server.services.orm.em.fork().execute('select 1 from messages where subject = ?', [subject])).toEqual([]);
    expect(await count('pending_uploads')).toBe(0);
    expect(blobCount()).toBe(blobs);
    expect(storedBlobs().filter((b) => b.path.includes('/files/tmp/'))).toEqual([]);
    expect(server.mail.mails.some((m) => m.subject.includes(subject))).toBe(false);
  });
});

describe('limits', () => {
  const send = (fields: Record<string, unknown>, files = [randomFile('f.txt', 10)]) =>
    sendMessage(agentClient, { recipients: [partner.email], ...fields } as never, files).then((r) => r.body);
  const code = (body: Awaited<ReturnType<typeof send>>) => body.errors?.[0]?.extensions?.code ?? 'OK';

  it('total size: exactly MAX_MESSAGE_BYTES passes, one byte more is refused and leaves nothing', async () => {
    expect(code(await send({}, [randomFile('a', LIMIT - 10), randomFile('b', 10)]))).toBe('OK');
    const blobs = blobCount();
    const messages = await count('messages');
    const over = await send({ subject: 'trop gros' }, [randomFile('a', LIMIT - 10), randomFile('b', 11)]);
    expect(code(over)).toBe('PAYLOAD_TOO_LARGE');
    expect(over.errors![0].message).toMatch(/taille maximale/);
    expect(await count('messages')).toBe(messages);
    expect(blobCount()).toBe(blobs);
    expect(await count('pending_uploads')).toBe(0);
  });

  it('subject: 1 and 200 characters pass, 0 and 201 are refused', async () => {
    expect(code(await send({ subject: 'x' }))).toBe('OK');
    expect(code(await send({ subject: 'é'.repeat(200) }))).toBe('OK');
    expect(code(await send({ subject: '   ' }))).toBe('BAD_USER_INPUT');
    expect(code(await send({ subject: 'x'.repeat(201) }))).toBe('BAD_USER_INPUT');
  });

  it('comment: up to 5,000 characters', async () => {
    expect(code(await send({ comment: 'c'.repeat(5000) }))).toBe('OK');
    expect(code(await send({ comment: 'c'.repeat(5001) }))).toBe('BAD_USER_INPUT');
  });

  it('lifetime: whole days from 1 to 15', async () => {
    expect(code(await send({ lifetimeDays: 1 }))).toBe('OK');
    expect(code(await send({ lifetimeDays: 15 }))).toBe('OK');
    for (const lifetimeDays of [0, 16, -1]) expect(code(await send({ lifetimeDays }))).toBe('BAD_USER_INPUT');
    expect(code(await send({ lifetimeDays: 1.5 }))).toBe('BAD_USER_INPUT');
  });

  it('files: 1 to 50', async () => {
    expect(code(await send({}, []))).toBe('BAD_USER_INPUT');
    expect(code(await send({}, Array.from({ length: 50 }, (_, i) => randomFile(`f${i}`, 1))))).toBe('OK');
    const before = blobCount();
    expect(code(await send({}, Array.from({ length: 51 }, (_, i) => randomFile(`f${i}`, 1))))).not.toBe('OK');
    expect(blobCount()).toBe(before);
  });

  it('recipients: 1 to 50 active users, unknown ones named, partner to partner refused', async () => {
    expect(code(await send({ recipients: [] }))).toBe('BAD_USER_INPUT');
    const many = await Promise.all(Array.from({ length: 51 }, () => buildUser(server, { role: Role.AGENT, password: 'Sans-Importance-1' })));
    expect(code(await send({ recipients: many.slice(0, 50).map((u) => u.email) }))).toBe('OK');
    expect(code(await send({ recipients: many.map((u) => u.email) }))).toBe('BAD_USER_INPUT');

    const ghost = uniqueEmail('ghost');
    const invited = await server.services.directory.createUser(server.services.orm.em.fork(), null, { email: uniqueEmail('invited'), displayName: 'I', role: Role.AGENT });
    const unknown = await send({ recipients: [partner.email, ghost, invited.email] });
    expect(unknown.errors![0]).toMatchObject({ extensions: { code: 'RECIPIENT_UNKNOWN', addresses: [ghost, invited.email] } });
    expect(unknown.errors![0].message).toContain(ghost);

    const otherPartner = await buildUser(server, { role: Role.PARTNER });
    const refused = await sendMessage(partnerClient, { recipients: [agent.email, otherPartner.email] }, [randomFile('f', 1)]);
    expect(refused.body.errors![0].extensions!.code).toBe('FORBIDDEN');
    expect(refused.body.errors![0].message).toContain(otherPartner.email);
  });

  it('refuses a multipart request without the CSRF header before reading its body', async () => {
    const before = await count('pending_uploads');
    const blobs = blobCount();
    const refused = await sendMessage(agentClient, { recipients: [partner.email] }, [randomFile('f', 100_000)], {});
    expect(refused.status).toBe(400);
    expect(refused.body.errors![0].message).toMatch(/apollo-require-preflight/);
    expect(await count('pending_uploads')).toBe(before);
    expect(blobCount()).toBe(blobs);
  });

  it('requires a signed-in sender', async () => {
    const anonymous = await sendMessage(server.client(), { recipients: [partner.email] }, [randomFile('f', 1)]);
    expect(anonymous.body.errors![0].extensions!.code).toBe('UNAUTHENTICATED');
  });
});

describe('another user’s ids', () => {
  it('are NOT_FOUND on every query, mutation and download URL, and nothing is recorded', async () => {
    const message = await sendOk(agentClient, { recipients: [partner.email] }, [randomFile('privé.txt', 100)]);
    const fileId = message.files[0].id;
    const stranger = await signIn(server, await buildUser(server, { role: Role.AGENT }));
    const events = await count('audit_events');
    const downloads = await count('file_downloads');
    const links = await count('download_links');
    for (const [query, variables] of [
      [MESSAGE, { id: message.id }],
      [`mutation ($id: ID!) { openMessage(id: $id) { id } }`, { id: message.id }],
      [`mutation ($id: ID!) { download(fileId: $id) { url } }`, { id: fileId }],
      [`mutation ($id: ID!) { downloadAll(messageId: $id) { url } }`, { id: message.id }],
      [`mutation ($id: ID!) { deleteMessage(id: $id) }`, { id: message.id }],
      [`mutation ($id: ID!) { download(fileId: $id) { url } }`, { id: 'not-a-uuid' }],
    ] as const) {
      expect((await stranger.gqlError(query, variables)).code).toBe('NOT_FOUND');
    }
    expect(await count('audit_events')).toBe(events);
    expect(await count('download_links')).toBe(links);
    // A link made for the recipient works for that link only; a made-up one is not found.
    const url = await downloadUrl(partnerClient, fileId);
    expect((await fetchBytes(url.replace(/[\w-]{10}$/, 'AAAAAAAAAA'))).status).toBe(404);
    expect((await fetchBytes(`${server.url}/downloads/../../etc/passwd`)).status).toBe(404);
    expect(await count('file_downloads')).toBe(downloads);
    expect((await stranger.gql(`{ inbox { items { id } } sent { items { id } } }`))).toEqual({ inbox: { items: [] }, sent: { items: [] } });
  });
});

describe('download links', () => {
  it('expire after 10 minutes; an expired message answers MESSAGE_EXPIRED and 410', async () => {
    const sender = await buildUser(server);
    const receiver = await buildUser(server, { role: Role.PARTNER });
    const message = await sendOk(await signIn(server, sender), { recipients: [receiver.email], lifetimeDays: 1 }, [randomFile('f', 100)]);
    const moved = { ms: 0 };
    const advance = (ms: number) => {
      server.clock.advance(ms);
      moved.ms += ms;
    };
    try {
      const early = await signIn(server, receiver);
      const url = await downloadUrl(early, message.files[0].id);
      advance(10 * 60_000 + 1000);
      expect((await fetchBytes(url)).status).toBe(404);
      advance(86_400_000 - 10 * 60_000 - 1000 - 5 * 60_000); // five minutes before expiry
      const late = await signIn(server, receiver);
      const lastMinute = await downloadUrl(late, message.files[0].id);
      advance(6 * 60_000); // the link is still valid, the message is not
      expect((await fetchBytes(lastMinute)).status).toBe(410);
      expect((await late.gqlError(`mutation ($id: ID!) { download(fileId: $id) { url } }`, { id: message.files[0].id })).code).toBe('MESSAGE_EXPIRED');
      expect((await late.gqlError(`mutation ($id: ID!) { downloadAll(messageId: $id) { url } }`, { id: message.id })).code).toBe('MESSAGE_EXPIRED');
      expect((await late.gql(MESSAGE, { id: message.id })).message.expired).toBe(true);
    } finally {
      server.clock.advance(-moved.ms);
    }
  });

  it('a flipped ciphertext byte aborts the download, and nothing is counted', async () => {
    const file = randomFile('fragile.bin', 200_000);
    const message = await sendOk(agentClient, { recipients: [partner.email] }, [file]);
    const [{ blob_key: blobKey }] = await server.services.orm.em.fork().execute<{ blob_key: string }[]>('select blob_key from stored_files where id = ?', [message.files[0].id]);
    const path = storedBlobs().find((b) => b.path.endsWith(`/${blobKey}`))!.path;
    const bytes = readFileSync(path);
    bytes[150_000] ^= 0x01;
    writeFileSync(path, bytes);
    expect(statSync(path).size).toBe(bytes.length);
    const url = await downloadUrl(partnerClient, message.files[0].id);
    // The response is cut at the bad record: either the body read fails or it comes up short.
    const received = await fetch(url)
      .then(async (response) => Buffer.from(await response.arrayBuffer()).length)
      .catch(() => -1);
    expect(received).toBeLessThan(file.content.length);
    await new Promise((r) => setTimeout(r, 300));
    const seen = await agentClient.gql(MESSAGE, { id: message.id });
    expect(seen.message.recipients[0]).toMatchObject({ viewedAt: null, downloads: [] });
  });
});

describe('delete', () => {
  it('by the sender: gone for everyone, bytes purged now', async () => {
    const message = await sendOk(agentClient, { recipients: [partner.email] }, [randomFile('f', 1000)]);
    const url = await downloadUrl(partnerClient, message.files[0].id);
    const blobs = blobCount();
    expect(await agentClient.gql(`mutation ($id: ID!) { deleteMessage(id: $id) }`, { id: message.id })).toEqual({ deleteMessage: true });
    expect(blobCount()).toBe(blobs - 1);
    expect((await partnerClient.gqlError(MESSAGE, { id: message.id })).code).toBe('NOT_FOUND');
    expect((await agentClient.gqlError(MESSAGE, { id: message.id })).code).toBe('NOT_FOUND');
    expect((await fetchBytes(url)).status).toBe(404);
  });

  it('by a recipient: hidden from that recipient only', async () => {
    const message = await sendOk(agentClient, { recipients: [partner.email] }, [randomFile('f', 10)]);
    await partnerClient.gql(`mutation ($id: ID!) { deleteMessage(id: $id) }`, { id: message.id });
    expect((await partnerClient.gqlError(MESSAGE, { id: message.id })).code).toBe('NOT_FOUND');
    expect((await partnerClient.gql(`{ inbox(first: 100) { items { id } } }`)).inbox.items.map((m: { id: string }) => m.id)).not.toContain(message.id);
    expect((await agentClient.gql(MESSAGE, { id: message.id })).message.id).toBe(message.id);
    const download = await fetchBytes(await downloadUrl(agentClient, message.files[0].id));
    expect(download.status).toBe(200);
  });
});
