// /dev/mailbox: the demo mail catcher's inbox in the browser (HTML) and as JSON, newest first.
// Mounted only while the embedded catcher is in use (SMTP_URL unset).
import { Router } from 'express';
import type { MailCatcher } from './catcher.js';
import { escapeHtml } from './templates.js';

/** Escapes the text, then makes its http(s) links clickable. */
const linkify = (text: string) =>
  escapeHtml(text).replace(/https?:\/\/[^\s<>"']+/g, (url) => `<a href="${url}">${url}</a>`);

export function mailboxRouter(catcher: MailCatcher): Router {
  const router = Router();
  router.use((_req, res, next) => {
    res.setHeader('Cache-Control', 'no-store');
    next();
  });
  router.get('/mailbox.json', (_req, res) => {
    res.json([...catcher.mails].reverse().map(({ headers: _h, ...mail }) => mail));
  });
  router.get('/mailbox', (_req, res) => {
    const mails = [...catcher.mails].reverse();
    const items = mails
      .map(
        (m) => `<article>
  <h2>${escapeHtml(m.subject)}</h2>
  <p class="meta">À : ${escapeHtml(m.to.join(', '))} — ${escapeHtml(new Date(m.date).toLocaleString('fr-FR', { timeZone: 'Europe/Paris' }))}</p>
  <pre>${linkify(m.text)}</pre>
</article>`,
      )
      .join('\n');
    res.type('html').send(`<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Courriels de démonstration — PLEX</title>
<style>
body{font-family:system-ui,Arial,sans-serif;max-width:60rem;margin:auto;padding:1rem;color:#1e1e1e}
article{border:1px solid #bbb;border-radius:6px;padding:0 1rem;margin:1rem 0}
.meta{color:#444}pre{white-space:pre-wrap;font-family:inherit}a{color:#1d3a6b}
</style></head><body><main>
<h1>Courriels de démonstration</h1>
<p>Les courriels envoyés par PLEX sont interceptés ici tant qu'aucun serveur SMTP n'est configuré (variable SMTP_URL). ${mails.length} courriel(s).</p>
${items || '<p>Aucun courriel pour le moment.</p>'}
</main></body></html>`);
  });
  return router;
}
