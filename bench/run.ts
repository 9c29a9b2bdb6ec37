// `npm run bench` (files) and `npm run bench -- events` (live events).
// Files: a 1 GiB document sent through `sendMessage` (GraphQL multipart) and downloaded
// back from the compiled PLEX server, then uploaded through the resumable endpoint (tus, /uploads:
// creation and one PATCH, then creation and 8 MiB PATCHes, each followed by sendMessage with the
// upload id), next to raw baselines measured in the same run: a bare Node HTTP server streaming
// the request body to disk, and express `res.sendFile` streaming a file.
// Prints MB/s, the ratios, and the server's peak RSS (VmHWM, reset before each phase) against its
// idle RSS.
// BENCH_BYTES sets the size (default 1 GiB). Run `npm run build` first.
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomFillSync } from 'node:crypto';
import { chmodSync, createReadStream, createWriteStream, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';

const BYTES = Number(process.env.BENCH_BYTES ?? 1024 ** 3);
const root = new URL('../', import.meta.url).pathname;
const work = mkdtempSync(join(tmpdir(), 'plex-bench-'));
chmodSync(work, 0o711); // the embedded PostgreSQL (run as `postgres` under root) must traverse it
const children: ChildProcess[] = [];

const freePort = () =>
  new Promise<number>((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });

const mbps = (bytes: number, ms: number) => bytes / 1e6 / (ms / 1000);
const statusOf = (pid: number, field: 'VmRSS' | 'VmHWM') => Number(readFileSync(`/proc/${pid}/status`, 'utf8').match(new RegExp(`${field}:\\s+(\\d+) kB`))![1]) / 1024;

/** A file of random bytes, written in 8 MiB chunks (never held whole). */
async function makeInput(path: string, size: number): Promise<string> {
  const hash = createHash('sha256');
  const out = createWriteStream(path);
  const chunk = Buffer.alloc(8 * 1024 * 1024);
  for (let written = 0; written < size; written += chunk.length) {
    const part = chunk.subarray(0, Math.min(chunk.length, size - written));
    randomFillSync(part);
    hash.update(part);
    if (!out.write(part)) await new Promise((r) => out.once('drain', r));
  }
  await new Promise((r) => out.end(r));
  return hash.digest('hex');
}

function startChild(script: string, env: Record<string, string>, ready: RegExp): Promise<{ child: ChildProcess; output: () => string }> {
  const child = spawn(process.execPath, script.startsWith('-') ? ['--input-type=module', '-e', script.slice(1)] : [script], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let output = '';
  child.stdout!.on('data', (c) => (output += c));
  child.stderr!.on('data', (c) => (output += c));
  return new Promise((resolve, reject) => {
    const timer = setInterval(() => {
      if (ready.test(output)) {
        clearInterval(timer);
        resolve({ child, output: () => output });
      } else if (child.exitCode !== null) {
        clearInterval(timer);
        reject(new Error(`child exited:\n${output}`));
      }
    }, 50);
  });
}

/** POSTs `body` parts (buffers and the input file) and returns the response text and the time taken. */
function post(url: string, headers: Record<string, string>, parts: (Buffer | string)[], length: number): Promise<{ ms: number; text: string; status: number }> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers: { ...headers, 'content-length': String(length) } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve({ ms: performance.now() - started, text, status: res.statusCode ?? 0 }));
    });
    req.on('error', reject);
    (async () => {
      for (const part of parts) {
        if (typeof part === 'string') await pipeline(createReadStream(part), req, { end: false });
        else if (!req.write(part)) await new Promise((r) => req.once('drain', r));
      }
      req.end();
    })().catch(reject);
  });
}

/** Sends `path` bytes [start, end) as the body of a `method` request; resolves with status and headers. */
function sendRange(method: string, url: string, headers: Record<string, string>, path: string, start: number, end: number): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers: { ...headers, 'content-length': String(end - start) } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
    });
    req.on('error', reject);
    if (end > start) pipeline(createReadStream(path, { start, end: end - 1, highWaterMark: 1024 * 1024 }), req).catch(reject);
    else req.end();
  });
}

/** Resets the peak RSS (VmHWM) of a process, so that each phase reports its own peak (Linux). */
function resetPeak(pid: number): void {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
  } catch {
    // not permitted here: peaks then accumulate over the phases
  }
}

/** GETs a URL to a SHA-256 (the bytes are not kept) and returns the time taken. */
function get(url: string, headers: Record<string, string> = {}): Promise<{ ms: number; sha256: string; bytes: number }> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    request(url, { headers }, (res) => {
      const hash = createHash('sha256');
      let bytes = 0;
      res.on('data', (c: Buffer) => {
        bytes += c.length;
        hash.update(c);
      });
      res.on('end', () => resolve({ ms: performance.now() - started, sha256: hash.digest('hex'), bytes }));
      res.on('error', reject);
    })
      .on('error', reject)
      .end();
  });
}

async function main() {
  const input = join(work, 'input.bin');
  process.stdout.write(`PLEX benchmark: ${(BYTES / 1024 ** 2).toFixed(0)} MiB document\n`);
  const inputHash = await makeInput(input, BYTES);

  // Raw upload baseline: a bare Node server streaming the request body to disk.
  const rawPort = await freePort();
  const raw = await startChild(
    `-import http from 'node:http'; import fs from 'node:fs';
     http.createServer((req, res) => { const out = fs.createWriteStream(${JSON.stringify(join(work, 'raw-upload.bin'))});
       req.pipe(out); out.on('finish', () => res.end('ok')); }).listen(${rawPort}, '127.0.0.1', () => console.log('ready'));`,
    {},
    /ready/,
  );
  const rawUpload = await post(`http://127.0.0.1:${rawPort}/`, { 'content-type': 'application/octet-stream' }, [input], BYTES);
  raw.child.kill();

  // Raw download baseline: express res.sendFile.
  const sendFilePort = await freePort();
  const sendFile = await startChild(
    `-import express from 'express'; const app = express();
     app.get('/f', (req, res) => res.sendFile(${JSON.stringify(input)}));
     app.listen(${sendFilePort}, '127.0.0.1', () => console.log('ready'));`,
    { NODE_PATH: join(root, 'node_modules') },
    /ready/,
  );
  const rawDownload = await get(`http://127.0.0.1:${sendFilePort}/f`);
  sendFile.child.kill();

  // PLEX: the compiled server on its embedded database.
  const port = await freePort();
  const plex = await startChild(join(root, 'server/dist/main.js'), { PORT: String(port), DATA_DIR: join(work, 'data'), MAX_MESSAGE_BYTES: String(BYTES + 1024), LOG_LEVEL: 'warn' }, /partner-lawyer/);
  const accounts = Object.fromEntries([...plex.output().matchAll(/^\s+(admin|agent|partner\S*)\s+(\S+@\S+)\s+(\S+)\s*$/gm)].map((m) => [m[1], { email: m[2], password: m[3] }]));
  const base = `http://127.0.0.1:${port}`;
  const login = async (who: { email: string; password: string }) => {
    const res = await fetch(`${base}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: 'mutation ($e: String!, $p: String!) { login(email: $e, password: $p) { id } }', variables: { e: who.email, p: who.password } }),
    });
    return res.headers.getSetCookie()[0].split(';')[0];
  };
  const agentCookie = await login(accounts.agent);
  const partnerCookie = await login(accounts['partner-lawyer']);
  await new Promise((r) => setTimeout(r, 1000));
  const idleRss = statusOf(plex.child.pid!, 'VmRSS');

  // tus first, on a fresh process, then the multipart path: each phase reports its own peak.
  // tus: creation, then PATCHes of `chunk` bytes streamed from the file, then sendMessage({ uploads: [id] }).
  const gql = async (cookie: string, query: string, variables: object) => {
    const res = await fetch(`${base}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', cookie }, body: JSON.stringify({ query, variables }) });
    const body = (await res.json()) as { data?: any; errors?: unknown };
    if (body.errors) throw new Error(JSON.stringify(body.errors));
    return body.data;
  };
  const tusUpload = async (chunk: number) => {
    const rssBefore = statusOf(plex.child.pid!, 'VmRSS');
    resetPeak(plex.child.pid!);
    const tusHeaders = { 'tus-resumable': '1.0.0', cookie: agentCookie };
    const started = performance.now();
    const created = await sendRange('POST', `${base}/uploads`, { ...tusHeaders, 'upload-length': String(BYTES), 'upload-metadata': `filename ${Buffer.from('bench.bin').toString('base64')}` }, input, 0, 0);
    if (created.status !== 201) throw new Error(`tus creation failed: ${created.status} ${created.text}`);
    const location = String(created.headers.location);
    for (let offset = 0; offset < BYTES; offset += chunk) {
      const end = Math.min(BYTES, offset + chunk);
      const patched = await sendRange('PATCH', location, { ...tusHeaders, 'upload-offset': String(offset), 'content-type': 'application/offset+octet-stream' }, input, offset, end);
      if (patched.status !== 204 || patched.headers['upload-offset'] !== String(end)) throw new Error(`tus PATCH failed: ${patched.status} ${patched.headers['upload-offset']} ${patched.text}`);
    }
    const ms = performance.now() - started;
    const sendStarted = performance.now();
    const data = await gql(agentCookie, 'mutation ($input: SendMessageInput!) { sendMessage(input: $input) { id files { id sha256 } } }', {
      input: { recipients: [accounts['partner-lawyer'].email], subject: 'Benchmark tus', lifetimeDays: 1, uploads: [location.split('/').pop()] },
    });
    return { ms, sendMs: performance.now() - sendStarted, file: data.sendMessage.files[0] as { id: string; sha256: string }, peak: statusOf(plex.child.pid!, 'VmHWM'), rssBefore };
  };
  const tusOne = await tusUpload(BYTES);
  const tusChunked = await tusUpload(8 * 1024 * 1024);

  const multipartRssBefore = statusOf(plex.child.pid!, 'VmRSS');
  resetPeak(plex.child.pid!);
  const boundary = `----plexbench${Date.now()}`;
  const operations = JSON.stringify({
    query: 'mutation ($input: SendMessageInput!) { sendMessage(input: $input) { id files { id sha256 } } }',
    variables: { input: { recipients: [accounts['partner-lawyer'].email], subject: 'Benchmark', lifetimeDays: 1, files: [null] } },
  });
  const head = Buffer.from(
    `--${boundary}\r\nContent-Disposition: form-data; name="operations"\r\n\r\n${operations}\r\n` +
      `--${boundary}\r\nContent-Disposition: form-data; name="map"\r\n\r\n{"0":["variables.input.files.0"]}\r\n` +
      `--${boundary}\r\nContent-Disposition: form-data; name="0"; filename="bench.bin"\r\nContent-Type: application/octet-stream\r\n\r\n`,
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  const upload = await post(
    `${base}/graphql`,
    { 'content-type': `multipart/form-data; boundary=${boundary}`, 'apollo-require-preflight': 'true', cookie: agentCookie },
    [head, input, tail],
    head.length + BYTES + tail.length,
  );
  const sent = JSON.parse(upload.text);
  if (sent.errors) throw new Error(`sendMessage failed: ${upload.text}`);
  const file = sent.data.sendMessage.files[0];
  const uploadPeak = statusOf(plex.child.pid!, 'VmHWM');

  const link = await (
    await fetch(`${base}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: partnerCookie },
      body: JSON.stringify({ query: 'mutation ($id: ID!) { download(fileId: $id) { url } }', variables: { id: file.id } }),
    })
  ).json();
  resetPeak(plex.child.pid!);
  const download = await get(link.data.download.url);
  const downloadPeak = statusOf(plex.child.pid!, 'VmHWM');

  const tusLink = await gql(partnerCookie, 'mutation ($id: ID!) { download(fileId: $id) { url } }', { id: tusOne.file.id });
  const tusDownload = await get(tusLink.download.url);
  const peak = Math.max(uploadPeak, downloadPeak, tusOne.peak, tusChunked.peak);

  const tusOk = tusOne.file.sha256 === inputHash && tusChunked.file.sha256 === inputHash && tusDownload.sha256 === inputHash && tusDownload.bytes === BYTES;
  const ok = file.sha256 === inputHash && download.sha256 === inputHash && download.bytes === BYTES && tusOk;
  const line = (label: string, value: number, baseline: number, target: number) =>
    `${label.padEnd(34)} ${mbps(BYTES, value).toFixed(0).padStart(6)} MB/s   baseline ${mbps(BYTES, baseline).toFixed(0).padStart(6)} MB/s   ratio ${(baseline / value).toFixed(2)} (target ≥ ${target.toFixed(1)})`;
  process.stdout.write(
    [
      line('upload   sendMessage (multipart)', upload.ms, rawUpload.ms, 0.8),
      line('upload   tus, one PATCH', tusOne.ms, rawUpload.ms, 0.9),
      line('upload   tus, 8 MiB PATCHes', tusChunked.ms, rawUpload.ms, 0.9),
      line('download GET /downloads/…', download.ms, rawDownload.ms, 1.0),
      `sendMessage({ uploads: [id] }) after tus: ${tusOne.sendMs.toFixed(0)} ms and ${tusChunked.sendMs.toFixed(0)} ms (the encrypted upload is renamed into the store)`,
      `server RSS: idle ${idleRss.toFixed(0)} MB; peak during multipart upload ${uploadPeak.toFixed(0)} MB (${multipartRssBefore.toFixed(0)} MB before it), download ${downloadPeak.toFixed(0)} MB, tus one PATCH ${tusOne.peak.toFixed(0)} MB (${tusOne.rssBefore.toFixed(0)} MB before it), tus 8 MiB PATCHes ${tusChunked.peak.toFixed(0)} MB (${tusChunked.rssBefore.toFixed(0)} MB before it) (worst peak − idle = ${(peak - idleRss).toFixed(0)} MB, target ≤ 100 MB)`,
      `SHA-256 ${ok ? 'identical on both sides' : 'MISMATCH'} (${inputHash.slice(0, 16)}…; tus: fingerprints of both uploads and a download of the first ${tusOk ? 'identical' : 'MISMATCH'}); raw upload wrote ${statSync(join(work, 'raw-upload.bin')).size} bytes`,
      '',
    ].join('\n'),
  );
  plex.child.kill('SIGTERM');
  await new Promise((r) => plex.child.once('exit', r));
  if (!ok) process.exitCode = 1;
}

/**
 * `npm run bench -- events`: BENCH_SUBSCRIBERS (1,000) users each hold a `messageReceived`
 * subscription on one instance; real `sendMessage` mutations (50 recipients each) trigger the
 * events. Prints p50 / p99 latency from the mutation request to delivery, and the server's RSS
 * growth per 1,000 open sockets.
 */
async function events() {
  const subscribers = Number(process.env.BENCH_SUBSCRIBERS ?? 1000);
  const port = await freePort();
  const plex = await startChild(join(root, 'server/dist/main.js'), { PORT: String(port), DATA_DIR: join(work, 'data'), LOG_LEVEL: 'warn' }, /partner-lawyer/);
  const base = `http://127.0.0.1:${port}`;
  const accounts = Object.fromEntries([...plex.output().matchAll(/^\s+(admin|agent|partner\S*)\s+(\S+@\S+)\s+(\S+)\s*$/gm)].map((m) => [m[1], { email: m[2], password: m[3] }]));
  const gql = async (cookie: string | undefined, query: string, variables: object = {}) => {
    const res = await fetch(`${base}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}) }, body: JSON.stringify({ query, variables }) });
    const body = (await res.json()) as { data?: any; errors?: unknown };
    if (body.errors) throw new Error(JSON.stringify(body.errors));
    return { data: body.data, cookie: res.headers.getSetCookie()[0]?.split(';')[0] };
  };
  const login = async (email: string, password: string) => (await gql(undefined, 'mutation ($e: String!, $p: String!) { login(email: $e, password: $p) { id } }', { e: email, p: password })).cookie!;

  process.stdout.write(`PLEX live events benchmark: ${subscribers} subscribers\n`);
  const admin = await login(accounts.admin.email, accounts.admin.password);
  const emails = Array.from({ length: subscribers }, (_, i) => `abonne-${i}@bench.example`);
  await gql(admin, 'mutation ($csv: String!) { importDirectory(csv: $csv) { created { line } } }', { csv: ['email,name,role,organization,organization_kind', ...emails.map((e, i) => `${e},Abonné ${i},agent,,`)].join('\n') });
  let mails: { to: string[]; text: string }[] = [];
  for (let i = 0; i < 600 && mails.length < emails.length; i++) {
    await new Promise((r) => setTimeout(r, 200));
    mails = (await (await fetch(`${base}/dev/mailbox.json`)).json()) as { to: string[]; text: string }[];
  }
  const password = 'Bench-Password-2026';
  const cookies: string[] = [];
  for (let i = 0; i < emails.length; i += 25) {
    cookies.push(
      ...(await Promise.all(
        emails.slice(i, i + 25).map(async (email) => {
          const token = mails.find((m) => m.to.includes(email))!.text.match(/token=([\w-]+)/)![1];
          await gql(undefined, 'mutation ($t: String!, $p: String!) { resetPassword(token: $t, password: $p) }', { t: token, p: password });
          return login(email, password);
        }),
      )),
    );
  }
  const { createClient } = await import('graphql-ws');
  const { default: WebSocket } = await import('ws');
  const idleRss = statusOf(plex.child.pid!, 'VmRSS');
  const received = new Map<string, number[]>();
  const clients = cookies.map((cookie) => {
    class CookieSocket extends WebSocket {
      constructor(url: string, protocols?: string | string[]) {
        super(url, protocols, { headers: { cookie, origin: `http://localhost:${port}` } });
      }
    }
    const client = createClient({ url: `ws://127.0.0.1:${port}/graphql`, webSocketImpl: CookieSocket, lazy: false, retryAttempts: 0, onNonLazyError: () => {} });
    client.subscribe({ query: 'subscription { messageReceived { id } }' }, {
      next: (value: any) => {
        const id = value.data?.messageReceived?.id;
        if (id) received.set(id, [...(received.get(id) ?? []), performance.now()]);
      },
      error: () => {},
      complete: () => {},
    });
    return client;
  });
  await new Promise((r) => setTimeout(r, 3000));
  const socketsRss = statusOf(plex.child.pid!, 'VmRSS');

  const sender = await login(accounts.agent.email, accounts.agent.password);
  const latencies: number[] = [];
  const mutationTimes: number[] = [];
  const actionLatencies: number[] = [];
  const boundary = 'plexevents';
  for (let group = 0; group < emails.length; group += 50) {
    const recipients = emails.slice(group, group + 50);
    const operations = JSON.stringify({ query: 'mutation ($input: SendMessageInput!) { sendMessage(input: $input) { id } }', variables: { input: { recipients, subject: `lot ${group}`, lifetimeDays: 1, files: [null] } } });
    const body = `--${boundary}\r\nContent-Disposition: form-data; name="operations"\r\n\r\n${operations}\r\n--${boundary}\r\nContent-Disposition: form-data; name="map"\r\n\r\n{"0":["variables.input.files.0"]}\r\n--${boundary}\r\nContent-Disposition: form-data; name="0"; filename="a.txt"\r\n\r\nbonjour\r\n--${boundary}--\r\n`;
    const started = performance.now();
    const res = await fetch(`${base}/graphql`, { method: 'POST', headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, 'apollo-require-preflight': 'true', cookie: sender }, body });
    const id = ((await res.json()) as any).data.sendMessage.id as string;
    mutationTimes.push(performance.now() - started);
    const deadline = performance.now() + 5000;
    while ((received.get(id)?.length ?? 0) < recipients.length && performance.now() < deadline) await new Promise((r) => setTimeout(r, 5));
    const answered = started + mutationTimes[mutationTimes.length - 1];
    for (const at of received.get(id) ?? []) {
      latencies.push(Math.max(0, at - answered));
      actionLatencies.push(at - started);
    }
  }
  latencies.sort((a, b) => a - b);
  actionLatencies.sort((a, b) => a - b);
  const percentile = (values: number[], p: number) => values[Math.min(values.length - 1, Math.floor((p / 100) * values.length))];
  const pct = (p: number) => percentile(latencies, p);
  process.stdout.write(
    [
      `deliveries ${latencies.length} of ${emails.length} expected; each sendMessage (50 recipients) answered in ${(mutationTimes.reduce((a, b) => a + b, 0) / mutationTimes.length).toFixed(0)} ms on average`,
      `delivery latency after the mutation's answer (its commit): p50 ${pct(50).toFixed(1)} ms, p99 ${pct(99).toFixed(1)} ms (target p99 < 50 ms)`,
      `from the sendMessage request to delivery (the mutation included): p50 ${percentile(actionLatencies, 50).toFixed(0)} ms, p99 ${percentile(actionLatencies, 99).toFixed(0)} ms`,
      `server RSS: ${idleRss.toFixed(0)} MB before the sockets, ${socketsRss.toFixed(0)} MB with ${clients.length} open → ${(((socketsRss - idleRss) / clients.length) * 1000).toFixed(0)} MB per 1,000 sockets (≈ ${(((socketsRss - idleRss) / clients.length) * 10).toFixed(2)} GB for 10,000; target < 1 GB)`,
      '',
    ].join('\n'),
  );
  await Promise.all(clients.map((c) => c.dispose()));
  plex.child.kill('SIGTERM');
  await new Promise((r) => plex.child.once('exit', r));
  if (latencies.length < emails.length) process.exitCode = 1;
}

(process.argv[2] === 'events' ? events() : main())
  .catch((error) => {
    process.stderr.write(`${error instanceof Error ? error.stack : error}\n`);
    process.exitCode = 1;
  })
  .finally(() => {
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
    rmSync(work, { recursive: true, force: true });
  });
