// The closed set of e-mails PLEX sends, each with typed props, in French and English, as HTML and
// text. Links are absolute and built from PUBLIC_URL by the caller, never from a request.
import type { Locale } from '../../accounts/user.entity.js';

export interface MailTemplates {
  activation: { displayName: string; link: string; expiresAt: Date };
  'password-reset': { displayName: string; link: string; expiresAt: Date };
  'password-changed': { displayName: string; at: Date; loginLink: string };
}
export type MailTemplate = keyof MailTemplates;

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

const escapeHtml = (value: string) =>
  value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** Names and subjects come from users: no control character may reach a header or a line. */
export const oneLine = (value: string) => value.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ').trim();

const dateTime = (locale: Locale, at: Date) =>
  new Intl.DateTimeFormat(locale === 'en' ? 'en-GB' : 'fr-FR', {
    dateStyle: 'long',
    timeStyle: 'short',
    timeZone: 'Europe/Paris',
  }).format(at) + (locale === 'en' ? ' (Paris time)' : ' (heure de Paris)');

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
      ? `<p>${escapeHtml(b)}</p>`
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
