// The HTTP edge of resumable uploads (/uploads, tus 1.0): what is checked before the tus server
// reads a byte of the request, in this order:
//   1. CSRF: a request carrying an Origin must come from PUBLIC_URL's origin, and every request
//      but OPTIONS must carry Tus-Resumable (a header no HTML form can send, so a cross-site form
//      post cannot reach the handlers even without an Origin);
//   2. authentication: the session cookie or `Authorization: Bearer`, as on /graphql;
//   3. ownership: an upload URL of another user (or unknown, or attached to a message already)
//      is 404, before the tus lock on that id is even requested.
import { Router, type Request, type Response } from 'express';
import { resolveViewer } from '../context.js';
import type { Services } from '../services.js';

const TUS_METHODS = new Set(['POST', 'HEAD', 'PATCH', 'DELETE', 'OPTIONS']);

export function uploadsRouter(services: Services): Router {
  const router = Router();
  const origin = services.config.publicUrl.origin;

  /** Answers without reading the body; the connection closes, so unread bytes cannot follow. */
  const refuse = (res: Response, status: number, text: string) => {
    res.setHeader('Tus-Resumable', '1.0.0');
    res.setHeader('Connection', 'close');
    res.status(status).type('text/plain; charset=utf-8').send(`${text}\n`);
  };

  const serve = async (req: Request, res: Response) => {
    res.setHeader('Cache-Control', 'no-store');
    const requestOrigin = req.headers.origin;
    if (requestOrigin !== undefined && requestOrigin !== origin) return refuse(res, 403, 'Origine de la requête refusée.');
    if (req.method === 'OPTIONS') return services.uploads.handle(null, req, res);
    if (req.headers['tus-resumable'] === undefined) {
      res.setHeader('Tus-Version', '1.0.0');
      return refuse(res, 412, "L'en-tête Tus-Resumable est requis.");
    }
    const viewer = await resolveViewer(services, services.orm.em.fork(), { cookie: req.headers.cookie, authorization: req.headers.authorization });
    if (!viewer) return refuse(res, 401, 'Vous devez être connecté.');
    const id = typeof req.params.id === 'string' ? req.params.id : undefined;
    if (id !== undefined && !(await services.uploads.owns(viewer.user.id, id))) return refuse(res, 404, 'Envoi introuvable.');
    if (id === undefined && req.method !== 'POST') return refuse(res, 405, 'Méthode non prise en charge ici.');
    if (id !== undefined && req.method === 'POST') return refuse(res, 405, 'Méthode non prise en charge ici.');
    await services.uploads.handle(viewer.user.id, req, res);
  };

  router.all(['/uploads', '/uploads/:id'], (req, res, next) => {
    if (!TUS_METHODS.has(req.method)) return next();
    serve(req, res).catch((error: unknown) => {
      services.log.error({ err: error }, 'upload request failed');
      if (!res.headersSent) refuse(res, 500, "Erreur lors de l'envoi.");
      else res.destroy();
    });
  });
  return router;
}
