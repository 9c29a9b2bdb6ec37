// A graphql-ws client as the web app uses it, with the cookie (or a bearer token) and the Origin
// a browser would send, collecting what a subscription delivers.
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import type { ApiClient } from './api-client.js';

export interface LiveSubscription {
  events: any[];
  /** Resolves with the first event (delivered or to come) that matches; rejects after `timeoutMs`. */
  next(match?: (event: any) => boolean, timeoutMs?: number): Promise<any>;
  close(): Promise<void>;
  /** The close code, once the server closed the socket. */
  closed: Promise<number>;
}

export function liveClient(baseUrl: string, options: { cookie?: string; origin?: string; authorization?: string; retry?: boolean } = {}): { client: Client; closed: Promise<number> } {
  let resolveClosed!: (code: number) => void;
  const closed = new Promise<number>((resolve) => (resolveClosed = resolve));
  const headers = { origin: options.origin ?? baseUrl, ...(options.cookie ? { cookie: options.cookie } : {}) };
  class HeaderSocket extends WebSocket {
    constructor(url: string, protocols?: string | string[]) {
      super(url, protocols, { headers });
    }
  }
  const client = createClient({
    url: `${baseUrl.replace(/^http/, 'ws')}/graphql`,
    webSocketImpl: HeaderSocket,
    lazy: false,
    // Refusals are asserted through `closed`; graphql-ws would otherwise print them.
    onNonLazyError: () => {},
    retryAttempts: options.retry ? 5 : 0,
    connectionParams: options.authorization ? { authorization: options.authorization } : undefined,
    on: { closed: (event) => resolveClosed((event as { code: number }).code), error: () => {} },
  });
  return { client, closed };
}

export function subscribe(baseUrl: string, who: ApiClient | { authorization: string }, query: string, origin?: string): LiveSubscription {
  const { client, closed } = liveClient(baseUrl, 'authorization' in who ? { authorization: who.authorization, origin } : { cookie: who.cookieHeader(), origin });
  const events: any[] = [];
  const waiters: { match: (e: any) => boolean; resolve: (e: any) => void }[] = [];
  client.subscribe(
    { query },
    {
      next: (value) => {
        events.push(value);
        for (const waiter of [...waiters]) {
          if (waiter.match(value)) {
            waiters.splice(waiters.indexOf(waiter), 1);
            waiter.resolve(value);
          }
        }
      },
      // Validation errors (limits) come as an `error` message rather than a result.
      error: (error) => {
        if (Array.isArray(error)) events.push({ errors: error });
      },
      complete: () => {},
    },
  );
  return {
    events,
    closed,
    next(match = () => true, timeoutMs = 5000) {
      const found = events.find(match);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const waiter = { match, resolve };
        waiters.push(waiter);
        setTimeout(() => {
          const index = waiters.indexOf(waiter);
          if (index >= 0) {
            waiters.splice(index, 1);
            reject(new Error(`no matching event within ${timeoutMs} ms; got ${JSON.stringify(events)}`));
          }
        }, timeoutMs);
      });
    },
    async close() {
      await client.dispose();
    },
  };
}

/** Waits until the server has registered the subscription (no event is lost before it). */
export const settle = () => new Promise((r) => setTimeout(r, 300));
