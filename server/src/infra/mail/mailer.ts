// The adapter to the SMTP relay (or the embedded catcher). Only the outbox worker calls it.
import nodemailer, { type Transporter } from 'nodemailer';
import type { RenderedMail } from './templates.js';

export interface Mailer {
  send(to: string, mail: RenderedMail): Promise<void>;
  close(): void;
}

export function createSmtpMailer(smtpUrl: string, from: string): Mailer {
  const transport: Transporter = nodemailer.createTransport(smtpUrl, { from });
  return {
    async send(to, mail) {
      await transport.sendMail({ to, subject: mail.subject, text: mail.text, html: mail.html, disableFileAccess: true, disableUrlAccess: true });
    },
    close: () => transport.close(),
  };
}
