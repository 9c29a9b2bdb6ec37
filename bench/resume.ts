// `npx tsx bench/resume.ts` (after `npm run build -w server`): a 1 GiB document (BYTES to change)
// uploaded with tus-js-client in 8 MiB chunks to the compiled server on its embedded database,
// with the connection cut in the middle of PATCH #20 and the server killed (SIGKILL) in the middle
// of a PATCH past half-way, then restarted on the same DATA_DIR; then sendMessage with the upload
// id and a download. Prints the offsets the client resumed from and whether the SHA-256 of the
// input, the server's fingerprint and the download are identical (exit 1 otherwise).
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomFillSync } from 'node:crypto';
import { chmodSync, createReadStream, createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import * as tus from 'tus-js-client';

const BYTES = Number(process.env.BYTES ?? 1024 ** 3);
const root = new URL('../', import.meta.url).pathname;
const work = mkdtempSync(join(tmpdir(), 'plex-resume-'));
chmodSync(work, 0o711);
const port = 43000 + Math.floor(Math.random() * 1000);
const base = `http://127.0.0.1:${port}`;
let plex: ChildProcess | undefined;
let output = '';

function start(): Promise<void> {
  output = '';
  plex = spawn(process.execPath, [join(root, 'server/dist/main.js')], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', PORT: String(port), PUBLIC_URL: base, DATA_DIR: join(work, 'data'), LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  plex.stdout!.on('data', (c) => (output += c));
  plex.stderr!.on('data', (c) => (output += c));
  return new Promise((resolve, reject) => {
    const timer = setInterval(() => {
      if (/PLEX is running/.test(output)) {
        clearInterval(timer);
        resolve();
      } else if (plex!.exitCode !== null) {
        clearInterval(timer);
        reject(new Error(output));
      }
    }, 50);
  });
}

async function main() {
  const input = join(work, 'input.bin');
  const hash = createHash('sha256');
  const out = createWriteStream(input);
  const chunk = Buffer.alloc(8 * 1024 * 1024);
  for (let written = 0; written < BYTES; written += chunk.length) {
    randomFillSync(chunk);
    hash.update(chunk);
    if (!out.write(Buffer.from(chunk))) await new Promise<void>((r) => out.once('drain', () => r()));
  }
  await new Promise<void>((r) => out.end(() => r()));
  const inputHash = hash.digest('hex');
  await start();
  const accounts = Object.fromEntries([...output.matchAll(/^\s+(admin|agent|partner\S*)\s+(\S+@\S+)\s+(\S+)\s*$/gm)].map((m) => [m[1], { email: m[2], password: m[3] }]));
  const gql = async (cookie: string | undefined, query: string, variables: object) => {
    const res = await fetch(`${base}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}) }, body: JSON.stringify({ query, variables }) });
    const body = (await res.json()) as any;
    if (body.errors) throw new Error(JSON.stringify(body.errors));
    return { data: body.data, cookie: res.headers.getSetCookie()[0]?.split(';')[0] };
  };
  const login = async (who: { email: string; password: string }) => (await gql(undefined, 'mutation ($e: String!, $p: String!) { login(email: $e, password: $p) { id } }', { e: who.email, p: who.password })).cookie!;
  const agent = await login(accounts.agent);
  const partner = await login(accounts['partner-lawyer']);

  const events: string[] = [];
  let patches = 0;
  let killed = false;
  const inner = new tus.DefaultHttpStack({});
  const stack: tus.HttpStack = {
    getName: () => 'scratch',
    createRequest(method, url) {
      const req = inner.createRequest(method, url);
      if (method !== 'PATCH') return req;
      patches++;
      if (patches === 20) {
        const send = req.send.bind(req);
        req.send = (body: any) => {
          body.destroy?.();
          const partial = new PassThrough();
          const source = createReadStream(body.path ?? input, { start: body.start, end: body.start + 5 * 1024 * 1024 + 122 });
          source.pipe(partial, { end: false });
          const sent = send(partial);
          setTimeout(() => req.getUnderlyingObject().destroy(new Error('cut')), 1500);
          events.push('cut PATCH #20 after 5 MiB + 123 bytes');
          return sent;
        };
      }
      return req;
    },
  };
  const started = performance.now();
  const url = await new Promise<string>((resolve, reject) => {
    const upload: tus.Upload = new tus.Upload(createReadStream(input) as any, {
      endpoint: `${base}/uploads`,
      headers: { cookie: agent },
      chunkSize: 8 * 1024 * 1024,
      uploadSize: BYTES,
      metadata: { filename: 'un-gigaoctet.bin' },
      retryDelays: [0, 500, 1000, 2000, 4000, 8000, 8000, 8000, 8000, 8000],
      httpStack: stack,
      onAfterResponse: (req, res) => {
        if (req.getMethod() === 'HEAD') events.push(`HEAD → offset ${res.getHeader('Upload-Offset')}`);
      },
      onChunkComplete: (_size, accepted) => {
        if (!killed && accepted >= BYTES / 2) {
          killed = true;
          setTimeout(() => {
            events.push('kill -9 of the server in the middle of a PATCH');
            plex!.kill('SIGKILL');
            setTimeout(() => void start().then(() => events.push('server restarted')), 500);
          }, 150);
        }
      },
      onSuccess: () => resolve(upload.url!),
      onError: reject,
    });
    upload.start();
  });
  const uploadMs = performance.now() - started;
  const id = url.split('/').pop();
  const sent = await gql(agent, 'mutation ($input: SendMessageInput!) { sendMessage(input: $input) { files { id sha256 size } } }', { input: { recipients: [accounts['partner-lawyer'].email], subject: '1 Gio', lifetimeDays: 1, uploads: [id] } });
  const file = sent.data.sendMessage.files[0];
  const link = await gql(partner, 'mutation ($id: ID!) { download(fileId: $id) { url } }', { id: file.id });
  const downloaded = await new Promise<string>((resolve, reject) => {
    request(link.data.download.url, (res) => {
      const h = createHash('sha256');
      res.on('data', (c) => h.update(c));
      res.on('end', () => resolve(h.digest('hex')));
      res.on('error', reject);
    }).on('error', reject).end();
  });
  console.log(events.join('\n'));
  console.log(`upload of ${BYTES} bytes in ${(uploadMs / 1000).toFixed(1)} s (with the cut, the kill and the restart)`);
  const identical = inputHash === file.sha256 && inputHash === downloaded && file.size === BYTES;
  console.log(`input ${inputHash}\nserver fingerprint ${file.sha256}\ndownload ${downloaded}\n${identical ? 'IDENTICAL' : 'MISMATCH'}`);
  if (!identical) process.exitCode = 1;
  console.log(output.split('\n').filter((l) => /resumed upload|error/i.test(l)).join('\n'));
}

main()
  .catch((error) => {
    console.error(error);
    console.error(output);
    process.exitCode = 1;
  })
  .finally(async () => {
    if (plex && plex.exitCode === null) {
      plex.kill('SIGTERM');
      await new Promise((r) => plex!.once('exit', r));
    }
    rmSync(work, { recursive: true, force: true });
  });
