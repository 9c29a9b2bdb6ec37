// The closed set of e-mails PLEX sends, each with typed props, in French and English, as HTML and
// text. Links are absolute and built from PUBLIC_URL by the caller, never from a request.
import type { Locale } from '../../accounts/user.entity.js';

export interface MailFile {
  name: string;
  size: number;
  sha256: string;
}
export interface MailParty {
  displayName: string;
  email: string;
}
export interface MessageMailProps {
  subject: string;
  sender: MailParty;
  recipients: MailParty[];
  files: MailFile[];
  expiresAt: Date;
  link: string;
}

export interface MailTemplates {
  activation: { displayName: string; link: string; expiresAt: Date };
  /** To each recipient: documents are waiting (never the documents themselves). */
  'message-received': MessageMailProps;
  /** To the sender: the same notice naming every recipient; it is the acknowledgement of receipt. */
  'message-sent-copy': MessageMailProps;
  'password-reset': { displayName: string; link: string; expiresAt: Date };
  'password-changed': { displayName: string; at: Date; loginLink: string };
  /** To the sender: a recipient opened the message for the first time. */
  'message-viewed': { subject: string; recipient: MailParty; at: Date; link: string };
  /** To the sender: a recipient downloaded files completely for the first time (one mail for a zip). */
  'files-downloaded': { subject: string; recipient: MailParty; files: MailFile[]; at: Date; link: string };
  /** To the sender and to recipients who have not downloaded every file: the message expires soon. */
  'expiry-warning': { subject: string; expiresAt: Date; asSender: boolean; link: string; files: MailFile[] };
  /** To the other parties: the message was deleted by `by`. */
  'message-deleted': { subject: string; by: MailParty; at: Date; link: string; forEveryone: boolean };
}
export type MailTemplate = keyof MailTemplates;

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

export const escapeHtml = (value: string) =>
  value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** Names and subjects come from users: no control character may reach a header or a line. */
export const oneLine = (value: string) => value.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ').trim();

const dateFormats: Record<Locale, Intl.DateTimeFormat> = {
  fr: new Intl.DateTimeFormat('fr-FR', { dateStyle: 'long', timeStyle: 'short', timeZone: 'Europe/Paris' }),
  en: new Intl.DateTimeFormat('en-GB', { dateStyle: 'long', timeStyle: 'short', timeZone: 'Europe/Paris' }),
};
const dateTime = (locale: Locale, at: Date) => dateFormats[locale].format(at) + (locale === 'en' ? ' (Paris time)' : ' (heure de Paris)');

const size = (locale: Locale, bytes: number) => {
  const units = locale === 'en' ? ['bytes', 'KB', 'MB', 'GB'] : ['octets', 'Ko', 'Mo', 'Go'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  const number = new Intl.NumberFormat(locale === 'en' ? 'en-GB' : 'fr-FR', { maximumFractionDigits: unit ? 1 : 0 }).format(value);
  return `${number} ${units[unit]}`;
};
const party = (p: MailParty) => `${oneLine(p.displayName)} <${p.email}>`;
const fileLines = (locale: Locale, files: MailFile[]) =>
  files.map((f) => `• ${oneLine(f.name)} — ${size(locale, f.size)} — SHA-256 ${f.sha256}`).join('\n');

/** One paragraph per entry; a `link` entry becomes a button in HTML and a bare URL in text. */
type Block = string | { link: string; label: string };

function layout(subject: string, blocks: Block[], locale: Locale): RenderedMail {
  const footer =
    locale === 'en'
      ? 'PLEX — secure exchange platform of the French Ministry of Justice. This message was sent automatically; do not reply.'
      : "PLEX — plateforme d'échange externe du ministère de la Justice. Ce message est envoyé automatiquement ; merci de ne pas y répondre.";
  const text = [...blocks.map((b) => (typeof b === 'string' ? b : `${b.label} : ${b.link}`)), '--', footer].join('\n\n');
  const html = `<!doctype html><html lang="${locale}"><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head>
<body style="font-family:Arial,Helvetica,sans-serif;color:#1e1e1e;max-width:600px;margin:auto;padding:16px">
<p style="font-size:20px;font-weight:bold;color:#1d3a6b">PLEX</p>
${blocks
  .map((b) =>
    typeof b === 'string'
      ? `<p>${escapeHtml(b).replace(/\n/g, '<br>')}</p>`
      : `<p><a href="${escapeHtml(b.link)}" style="display:inline-block;background:#1d3a6b;color:#fff;padding:10px 16px;text-decoration:none;border-radius:4px">${escapeHtml(b.label)}</a></p><p style="font-size:12px;color:#555">${escapeHtml(b.link)}</p>`,
  )
  .join('\n')}
<hr><p style="font-size:12px;color:#555">${escapeHtml(footer)}</p></body></html>`;
  return { subject: oneLine(subject), text, html };
}

type Renderers = { [K in MailTemplate]: (locale: Locale, props: MailTemplates[K]) => RenderedMail };

const renderers: Renderers = {
  activation: (locale, p) =>
    locale === 'en'
      ? layout('Activate your PLEX account', [
          `Hello ${oneLine(p.displayName)},`,
          'An account has been created for you on PLEX, the secure exchange platform of the French Ministry of Justice. Choose your password to activate it.',
          { link: p.link, label: 'Choose my password' },
          `This link can be used once, until ${dateTime(locale, p.expiresAt)}.`,
        ], locale)
      : layout('Activez votre compte PLEX', [
          `Bonjour ${oneLine(p.displayName)},`,
          "Un compte vient d'être créé pour vous sur PLEX, la plateforme d'échange externe du ministère de la Justice. Choisissez votre mot de passe pour l'activer.",
          { link: p.link, label: 'Choisir mon mot de passe' },
          `Ce lien est utilisable une seule fois, jusqu'au ${dateTime(locale, p.expiresAt)}.`,
        ], locale),
  'password-reset': (locale, p) =>
    locale === 'en'
      ? layout('Reset your PLEX password', [
          `Hello ${oneLine(p.displayName)},`,
          'A password reset was requested for your PLEX account. If it was you, choose a new password:',
          { link: p.link, label: 'Choose a new password' },
          `This link can be used once, until ${dateTime(locale, p.expiresAt)}. If you did not ask for it, ignore this e-mail: your password stays as it is.`,
        ], locale)
      : layout('Réinitialisation de votre mot de passe PLEX', [
          `Bonjour ${oneLine(p.displayName)},`,
          "Une réinitialisation du mot de passe de votre compte PLEX a été demandée. Si c'est bien vous, choisissez un nouveau mot de passe :",
          { link: p.link, label: 'Choisir un nouveau mot de passe' },
          `Ce lien est utilisable une seule fois, jusqu'au ${dateTime(locale, p.expiresAt)}. Si vous n'êtes pas à l'origine de cette demande, ignorez ce courriel : votre mot de passe reste inchangé.`,
        ], locale),
  'message-received': (locale, p) =>
    locale === 'en'
      ? layout(`PLEX: new documents from ${oneLine(p.sender.displayName)} — ${oneLine(p.subject)}`, [
          `${party(p.sender)} made documents available to you on PLEX.`,
          `Subject: ${oneLine(p.subject)}`,
          `Files:\n${fileLines(locale, p.files)}`,
          `They can be downloaded until ${dateTime(locale, p.expiresAt)}.`,
          { link: p.link, label: 'Open the message' },
        ], locale)
      : layout(`PLEX : nouveaux documents de ${oneLine(p.sender.displayName)} — ${oneLine(p.subject)}`, [
          `${party(p.sender)} a mis des documents à votre disposition sur PLEX.`,
          `Objet : ${oneLine(p.subject)}`,
          `Fichiers :\n${fileLines(locale, p.files)}`,
          `Ils sont téléchargeables jusqu'au ${dateTime(locale, p.expiresAt)}.`,
          { link: p.link, label: 'Ouvrir le message' },
        ], locale),
  'message-sent-copy': (locale, p) =>
    locale === 'en'
      ? layout(`PLEX: copy of your message — ${oneLine(p.subject)}`, [
          'This copy of the notice sent to the recipients is your acknowledgement of receipt.',
          `Recipients:\n${p.recipients.map((r) => `• ${party(r)}`).join('\n')}`,
          `Subject: ${oneLine(p.subject)}`,
          `Files:\n${fileLines(locale, p.files)}`,
          `Available until ${dateTime(locale, p.expiresAt)}.`,
          { link: p.link, label: 'Open the message' },
        ], locale)
      : layout(`PLEX : copie de votre message — ${oneLine(p.subject)}`, [
          "Cette copie du courriel envoyé aux destinataires vaut accusé de réception.",
          `Destinataires :\n${p.recipients.map((r) => `• ${party(r)}`).join('\n')}`,
          `Objet : ${oneLine(p.subject)}`,
          `Fichiers :\n${fileLines(locale, p.files)}`,
          `Disponible jusqu'au ${dateTime(locale, p.expiresAt)}.`,
          { link: p.link, label: 'Ouvrir le message' },
        ], locale),
  'message-viewed': (locale, p) =>
    locale === 'en'
      ? layout(`PLEX: message viewed — ${oneLine(p.subject)}`, [
          `${party(p.recipient)} opened your message “${oneLine(p.subject)}” on ${dateTime(locale, p.at)}.`,
          { link: p.link, label: 'Open the message' },
        ], locale)
      : layout(`PLEX : message consulté — ${oneLine(p.subject)}`, [
          `${party(p.recipient)} a consulté votre message « ${oneLine(p.subject)} » le ${dateTime(locale, p.at)}.`,
          { link: p.link, label: 'Ouvrir le message' },
        ], locale),
  'files-downloaded': (locale, p) =>
    locale === 'en'
      ? layout(`PLEX: files downloaded — ${oneLine(p.subject)}`, [
          `${party(p.recipient)} downloaded on ${dateTime(locale, p.at)}:`,
          fileLines(locale, p.files),
          `Message: ${oneLine(p.subject)}`,
          { link: p.link, label: 'Open the message' },
        ], locale)
      : layout(`PLEX : fichiers téléchargés — ${oneLine(p.subject)}`, [
          `${party(p.recipient)} a téléchargé le ${dateTime(locale, p.at)} :`,
          fileLines(locale, p.files),
          `Message : ${oneLine(p.subject)}`,
          { link: p.link, label: 'Ouvrir le message' },
        ], locale),
  'expiry-warning': (locale, p) =>
    locale === 'en'
      ? layout(`PLEX: message expiring — ${oneLine(p.subject)}`, [
          `The message “${oneLine(p.subject)}” ${p.asSender ? 'you sent ' : ''}expires on ${dateTime(locale, p.expiresAt)}. After that its files can no longer be downloaded.`,
          `Files:\n${fileLines(locale, p.files)}`,
          { link: p.link, label: 'Open the message' },
        ], locale)
      : layout(`PLEX : message bientôt expiré — ${oneLine(p.subject)}`, [
          `Le message « ${oneLine(p.subject)} »${p.asSender ? ' que vous avez envoyé' : ''} expire le ${dateTime(locale, p.expiresAt)}. Ses fichiers ne pourront plus être téléchargés ensuite.`,
          `Fichiers :\n${fileLines(locale, p.files)}`,
          { link: p.link, label: 'Ouvrir le message' },
        ], locale),
  'message-deleted': (locale, p) =>
    locale === 'en'
      ? layout(`PLEX: message deleted — ${oneLine(p.subject)}`, [
          p.forEveryone
            ? `${party(p.by)} deleted the message “${oneLine(p.subject)}” on ${dateTime(locale, p.at)}. Its files are no longer available.`
            : `${party(p.by)} deleted the message “${oneLine(p.subject)}” from their inbox on ${dateTime(locale, p.at)}.`,
          { link: p.link, label: 'Open PLEX' },
        ], locale)
      : layout(`PLEX : message supprimé — ${oneLine(p.subject)}`, [
          p.forEveryone
            ? `${party(p.by)} a supprimé le message « ${oneLine(p.subject)} » le ${dateTime(locale, p.at)}. Ses fichiers ne sont plus disponibles.`
            : `${party(p.by)} a supprimé le message « ${oneLine(p.subject)} » de sa boîte de réception le ${dateTime(locale, p.at)}.`,
          { link: p.link, label: 'Ouvrir PLEX' },
        ], locale),
  'password-changed': (locale, p) =>
    locale === 'en'
      ? layout('Your PLEX password was changed', [
          `Hello ${oneLine(p.displayName)},`,
          `The password of your PLEX account was changed on ${dateTime(locale, p.at)}. All your sessions were closed.`,
          'If you did not do it, reset your password at once and contact your support.',
          { link: p.loginLink, label: 'Open PLEX' },
        ], locale)
      : layout('Votre mot de passe PLEX a été modifié', [
          `Bonjour ${oneLine(p.displayName)},`,
          `Le mot de passe de votre compte PLEX a été modifié le ${dateTime(locale, p.at)}. Toutes vos sessions ont été fermées.`,
          "Si vous n'êtes pas à l'origine de ce changement, réinitialisez immédiatement votre mot de passe et contactez votre support.",
          { link: p.loginLink, label: 'Ouvrir PLEX' },
        ], locale),
};

export function renderMail<K extends MailTemplate>(template: K, locale: Locale, props: MailTemplates[K]): RenderedMail {
  return (renderers[template] as (locale: Locale, props: MailTemplates[K]) => RenderedMail)(locale, props);
}
