// The adapter to the SMTP relay (or the embedded catcher). Only the outbox worker calls it.
import nodemailer, { type Transporter } from 'nodemailer';
import type { RenderedMail } from './templates.js';

export interface Mailer {
  send(to: string, mail: RenderedMail): Promise<void>;
  close(): void;
}

export function createSmtpMailer(smtpUrl: string, from: string): Mailer {
  // Bounded waits: a relay that hangs fails the attempt, and the outbox retries it later.
  const transport: Transporter = nodemailer.createTransport(
    // A pooled connection is reused from mail to mail (a new SMTP session per mail costs 100-200 ms).
    { url: smtpUrl, pool: true, maxConnections: 2, connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000 } as Parameters<typeof nodemailer.createTransport>[0],
    { from },
  );
  return {
    async send(to, mail) {
      await transport.sendMail({ to, subject: mail.subject, text: mail.text, html: mail.html, disableFileAccess: true, disableUrlAccess: true });
    },
    close: () => transport.close(),
  };
}
