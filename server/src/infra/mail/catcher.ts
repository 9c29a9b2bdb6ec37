// An SMTP server that keeps what it receives: the demo "mail catcher" (used when SMTP_URL is
// unset, readable at /dev/mailbox) and the tests' SMTP sink. `refuse` makes it answer 451 to
// every mail, as a relay that is down for a while.
import { simpleParser } from 'mailparser';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { SMTPServer } from 'smtp-server';

export interface CaughtMail {
  id: string;
  from: string;
  to: string[];
  subject: string;
  text: string;
  html: string;
  date: string;
  /** Every header line as received, for checks that nothing was injected. */
  headers: string;
}

export class MailCatcher {
  readonly mails: CaughtMail[] = [];
  refuse = false;
  private server: SMTPServer;
  private listeners = new Set<(mail: CaughtMail) => void>();
  private sequence = 0;

  /** With `dir`, raw mails are also written there and read back at start (kept between runs). */
  constructor(private readonly dir?: string) {
    this.server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      banner: 'PLEX mail catcher',
      size: 50 * 1024 * 1024,
      onData: (stream, _session, callback) => {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          if (this.refuse) return callback(Object.assign(new Error('Relay temporarily unavailable'), { responseCode: 451 }));
          const raw = Buffer.concat(chunks);
          const id = `${Date.now()}-${String(++this.sequence).padStart(6, '0')}`;
          if (this.dir) writeFileSync(join(this.dir, `${id}.eml`), raw);
          this.parse(id, raw).then(
            (mail) => {
              this.mails.push(mail);
              for (const listener of this.listeners) listener(mail);
              callback();
            },
            (error: Error) => callback(error),
          );
        });
      },
      logger: false,
    });
  }

  private async parse(id: string, raw: Buffer): Promise<CaughtMail> {
    const parsed = await simpleParser(raw);
    const addresses = (v: typeof parsed.to) => (v ? (Array.isArray(v) ? v : [v]).flatMap((a) => a.value.map((x) => x.address ?? '')) : []);
    const headerEnd = raw.indexOf('\r\n\r\n');
    return {
      id,
      from: parsed.from?.text ?? '',
      to: addresses(parsed.to),
      subject: parsed.subject ?? '',
      text: parsed.text ?? '',
      html: typeof parsed.html === 'string' ? parsed.html : '',
      date: (parsed.date ?? new Date()).toISOString(),
      headers: raw.subarray(0, headerEnd < 0 ? raw.length : headerEnd).toString('utf8'),
    };
  }

  async start(port = 0): Promise<number> {
    if (this.dir) {
      mkdirSync(this.dir, { recursive: true });
      for (const name of readdirSync(this.dir).filter((n) => n.endsWith('.eml')).sort()) {
        this.mails.push(await this.parse(name.slice(0, -4), readFileSync(join(this.dir, name))));
      }
    }
    await new Promise<void>((resolveListen, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () => resolveListen());
    });
    return (this.server.server.address() as AddressInfo).port;
  }

  get url(): string {
    return `smtp://127.0.0.1:${(this.server.server.address() as AddressInfo).port}`;
  }

  /** Resolves with the first mail (already caught or to come) that matches. */
  waitFor(match: (mail: CaughtMail) => boolean, timeoutMs = 20_000): Promise<CaughtMail> {
    const found = this.mails.find(match);
    if (found) return Promise.resolve(found);
    return new Promise((resolveMail, reject) => {
      const timer = setTimeout(() => {
        this.listeners.delete(listener);
        reject(new Error('no matching mail arrived in time'));
      }, timeoutMs);
      const listener = (mail: CaughtMail) => {
        if (!match(mail)) return;
        clearTimeout(timer);
        this.listeners.delete(listener);
        resolveMail(mail);
      };
      this.listeners.add(listener);
    });
  }

  close(): Promise<void> {
    return new Promise((resolveClose) => this.server.close(() => resolveClose()));
  }
}
