// GraphQL over WebSocket (graphql-ws) at /graphql: the same schema and limits as HTTP, the
// viewer from the session cookie of the upgrade request or `connectionParams.authorization`
// ("Bearer TOKEN"). A foreign Origin is refused before the upgrade; a socket that does not send
// connection_init in time is closed; each user has a cap on open sockets; when a user's
// credentials change anywhere (logout, reset, disabling, revocation), their sockets are re-checked
// and those no longer valid are closed.
import { specifiedRules, validate, type GraphQLSchema } from 'graphql';
import { CloseCode } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import type { IncomingMessage, Server } from 'node:http';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Viewer } from '../accounts/accounts.service.js';
import { requestLocale, resolveViewer, type Context } from '../context.js';
import { createLoaders } from '../messages/loaders.js';
import type { Services } from '../services.js';
import { operationLimits } from './limits.js';

export const MAX_SOCKETS_PER_USER = 20;
export const CONNECTION_INIT_TIMEOUT_MS = 5_000;

interface Connection {
  socket: WebSocket;
  credentials: { cookie?: string; authorization?: string };
  viewer: Viewer | null;
}

export function attachGraphQLSocket(httpServer: Server, schema: GraphQLSchema, services: Services): { close(): Promise<void> } {
  const { config, orm } = services;
  const wsServer = new WebSocketServer({ noServer: true, maxPayload: 1024 * 1024 });
  const byUser = new Map<string, Set<Connection>>();
  const bySocket = new WeakMap<WebSocket, Connection>();

  const forget = (connection: Connection) => {
    const userId = connection.viewer?.user.id;
    if (!userId) return;
    byUser.get(userId)?.delete(connection);
    if (byUser.get(userId)?.size === 0) byUser.delete(userId);
  };

  const stopListening = services.live.onAuthChanged((userId) => {
    for (const connection of [...(byUser.get(userId) ?? [])]) {
      resolveViewer(services, orm.em.fork(), connection.credentials).then(
        (viewer) => {
          if (viewer?.user.id !== userId) connection.socket.close(CloseCode.Forbidden, 'Session terminée');
        },
        () => connection.socket.close(CloseCode.InternalServerError, 'Erreur'),
      );
    }
  });

  const cleanup = useServer<Record<string, unknown>, { request: IncomingMessage; socket: WebSocket }>(
    {
      schema,
      connectionInitWaitTimeout: CONNECTION_INIT_TIMEOUT_MS,
      validate: (s, document) => validate(s, document, [...specifiedRules, operationLimits]),
      onConnect: async (ctx) => {
        const request = ctx.extra.request;
        const fromParams = typeof ctx.connectionParams?.authorization === 'string' ? ctx.connectionParams.authorization : undefined;
        const credentials = { cookie: request.headers.cookie, authorization: fromParams ?? request.headers.authorization };
        const viewer = await resolveViewer(services, orm.em.fork(), credentials);
        if (credentials.authorization && !viewer) return false;
        const connection: Connection = { socket: ctx.extra.socket, credentials, viewer };
        if (viewer) {
          const open = byUser.get(viewer.user.id) ?? new Set<Connection>();
          if (open.size >= MAX_SOCKETS_PER_USER) return false;
          open.add(connection);
          byUser.set(viewer.user.id, open);
        }
        bySocket.set(ctx.extra.socket, connection);
        ctx.extra.socket.once('close', () => forget(connection));
        return true;
      },
      context: (ctx): Context => {
        const em = orm.em.fork();
        const viewer = bySocket.get(ctx.extra.socket)?.viewer ?? null;
        const locale = requestLocale(viewer, ctx.extra.request.headers.cookie);
        return { em, viewer, services, loaders: createLoaders(em, viewer), clientAddress: ctx.extra.request.socket.remoteAddress ?? 'unknown', locale };
      },
    },
    wsServer,
  );

  httpServer.on('upgrade', (request, socket, head) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const origin = request.headers.origin;
    // Browsers always send Origin on a WebSocket upgrade: a foreign one is refused before the upgrade.
    if (url.pathname !== '/graphql' || (origin !== undefined && origin !== config.publicUrl.origin)) {
      socket.write('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n');
      socket.destroy();
      return;
    }
    wsServer.handleUpgrade(request, socket, head, (ws) => wsServer.emit('connection', ws, request));
  });

  return {
    async close() {
      stopListening();
      for (const client of wsServer.clients) client.terminate();
      await cleanup.dispose();
    },
  };
}
