// The one HTTP server: GraphQL over HTTP and WebSocket at /graphql, /healthz, the demo mailbox,
// then the SvelteKit web app (mounted last). Nothing here holds domain rules.
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { expressMiddleware } from '@as-integrations/express5';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { GraphQLSchema } from 'graphql';
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { requestLocale, resolveViewer, type Context } from './context.js';
import { MAX_FILES } from './messages/messages.service.js';
import { createLoaders } from './messages/loaders.js';
import { formatError } from './graphql/format-error.js';
import { graphqlMultipart } from './graphql/multipart.js';
import { localizeErrors } from './graphql/localize-errors.js';
import { operationLimits } from './graphql/limits.js';
import { attachGraphQLSocket } from './graphql/socket.js';
import { mailboxRouter } from './infra/mail/mailbox.route.js';
import { uploadsRouter } from './files/uploads.route.js';
import type { MailCatcher } from './infra/mail/catcher.js';
import type { Services } from './services.js';

export interface AppOptions {
  schema: GraphQLSchema;
  /** The embedded catcher, whose mails /dev/mailbox shows. */
  catcher?: MailCatcher;
  /** adapter-node's `handler.js`; the app is served only when it exists. */
  webHandlerPath?: string;
  /** An upload that sends no byte for this long is cut (default UPLOAD_IDLE_MS). */
  uploadIdleMs?: number;
}

/** Two minutes without a byte: a stalled upload, whose connection is closed (tus resumes it). */
export const UPLOAD_IDLE_MS = 120_000;

/**
 * Uploads have no time limit as a whole (a 2 GiB file on a slow line takes hours), but one that
 * stops sending is cut after `idleMs`, and its bytes are discarded or kept as tus's durable offset.
 */
function cutStalledUploads(idleMs: number) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const uploading = req.baseUrl === '/uploads' ? req.method === 'PATCH' || req.method === 'POST' : Boolean(req.is('multipart/form-data'));
    if (uploading) {
      req.setTimeout(idleMs, () => req.socket.destroy());
      // the connection may serve other requests: no idle limit after this one
      res.once('finish', () => req.socket.setTimeout(0));
    }
    next();
  };
}

export interface RunningApp {
  server: Server;
  url: string;
  close(): Promise<void>;
}

function securityHeaders(production: boolean, https: boolean) {
  return (_req: Request, res: Response, next: NextFunction) => {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'same-origin');
    res.setHeader('X-Frame-Options', 'DENY');
    res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
    if (https) res.setHeader('Strict-Transport-Security', 'max-age=31536000; includeSubDomains');
    // SvelteKit sets its own CSP for pages (with its script hashes); this one covers the rest.
    if (!res.getHeader('Content-Security-Policy')) {
      res.setHeader(
        'Content-Security-Policy',
        `default-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'${production ? '' : "; style-src 'self' 'unsafe-inline'"}`,
      );
    }
    next();
  };
}

/**
 * A multipart (upload) request must carry `apollo-require-preflight` (a header no HTML form can
 * send): checked here, before any byte of the body is read or written, as CSRF protection.
 */
function refuseMultipartWithoutPreflight(req: Request, res: Response, next: NextFunction): void {
  if (!req.is('multipart/form-data')) return next();
  if (req.headers['apollo-require-preflight'] || req.headers['x-apollo-operation-name']) return next();
  res.setHeader('Connection', 'close');
  res.status(400).json({
    errors: [{ message: "Requête refusée : l'en-tête apollo-require-preflight est requis pour un envoi de fichiers.", extensions: { code: 'BAD_REQUEST' } }],
  });
}

/**
 * Errors raised before GraphQL runs (a malformed JSON or multipart body, a body too large) answer
 * as GraphQL errors with a stable code, never express's HTML page with its stack trace.
 */
function graphqlRequestError(services: Services) {
  return (error: { status?: number; statusCode?: number; message?: string }, _req: Request, res: Response, _next: NextFunction) => {
    const status = error.status ?? error.statusCode ?? 500;
    if (status >= 500) services.log.error({ err: error }, 'request failed before GraphQL');
    const code = status === 413 ? 'PAYLOAD_TOO_LARGE' : status < 500 ? 'BAD_REQUEST' : 'INTERNAL_SERVER_ERROR';
    const message =
      status === 413 ? 'La requête dépasse la taille autorisée.' : status < 500 ? 'Requête mal formée : rien n’a été enregistré.' : 'Une erreur inattendue est survenue. Réessayez plus tard.';
    res.status(status).json({ errors: [{ message, extensions: { code } }] });
  };
}

/** The client address used for throttling: the socket's, unless TRUST_PROXY says which proxies to believe. */
const clientAddress = (req: Request) => req.ip ?? req.socket.remoteAddress ?? 'unknown';

export async function startApp(services: Services, options: AppOptions, listen: { port: number; host: string }): Promise<RunningApp> {
  const { config, log, orm } = services;
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.trustProxy ?? false);
  const httpServer = createServer(app);
  // Node ends a request not received within 5 minutes: too short for large uploads on slow lines.
  // Headers keep their 60 s limit (headersTimeout); a stalled body is cut by cutStalledUploads.
  httpServer.requestTimeout = 0;

  const socket = attachGraphQLSocket(httpServer, options.schema, services);

  const apollo = new ApolloServer<Context>({
    schema: options.schema,
    csrfPrevention: true,
    introspection: !config.production,
    includeStacktraceInErrorResponses: false,
    validationRules: [operationLimits],
    formatError: formatError(log),
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      localizeErrors(),
      ...(config.production ? [ApolloServerPluginLandingPageDisabled()] : []),
      {
        async serverWillStart() {
          return {
            async drainServer() {
              await socket.close();
            },
          };
        },
      },
    ],
  });
  await apollo.start();

  app.use(securityHeaders(config.production, config.secureCookies));
  app.use(['/graphql', '/uploads'], cutStalledUploads(options.uploadIdleMs ?? UPLOAD_IDLE_MS));

  app.get('/healthz', async (_req, res) => {
    try {
      await orm.em.fork().execute('select 1');
      res.status(200).json({ status: 'ok' });
    } catch {
      res.status(503).json({ status: 'unavailable' });
    }
  });

  app.use(
    '/graphql',
    (_req, res, next) => {
      res.setHeader('Cache-Control', 'no-store');
      next();
    },
    express.json({ limit: '1mb' }),
    refuseMultipartWithoutPreflight,
    // Files stream from the socket to the resolver: no temporary copy (graphql/multipart.ts).
    graphqlMultipart({ maxFileSize: config.maxMessageBytes, maxFiles: MAX_FILES, maxFieldSize: 1_000_000 }),
    expressMiddleware(apollo, {
      context: async ({ req, res }): Promise<Context> => {
        const em = orm.em.fork();
        const viewer = await resolveViewer(services, em, {
          cookie: req.headers.cookie,
          authorization: req.headers.authorization,
        });
        const locale = requestLocale(viewer, req.headers.cookie);
        return { em, viewer, services, loaders: createLoaders(em, viewer), clientAddress: clientAddress(req), locale, req, res };
      },
    }),
  );
  app.use('/graphql', graphqlRequestError(services));

  app.use(uploadsRouter(services));

  app.use('/downloads', services.downloads.router());

  if (options.catcher) app.use('/dev', mailboxRouter(options.catcher));

  if (options.webHandlerPath && existsSync(options.webHandlerPath)) {
    const { handler } = (await import(options.webHandlerPath)) as { handler: express.RequestHandler };
    app.use(handler);
  } else {
    app.get('/', (_req, res) => {
      res.type('text/plain; charset=utf-8').send("PLEX : l'application web n'est pas construite (npm run build).");
    });
  }

  await new Promise<void>((resolveListen, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(listen.port, listen.host, () => resolveListen());
  });
  const address = httpServer.address() as AddressInfo;
  const url = `http://${address.address.includes(':') ? `[${address.address}]` : address.address}:${address.port}`;

  return {
    server: httpServer,
    url,
    async close() {
      await apollo.stop();
      httpServer.closeAllConnections();
    },
  };
}
