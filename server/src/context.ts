// The per-request context: a forked EntityManager, the viewer (session cookie or bearer token),
// the request's language and what the resolvers need to set or clear cookies.
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Request, Response } from 'express';
import type { Viewer } from './accounts/accounts.service.js';
import { LOCALES, type Locale } from './accounts/user.entity.js';
import type { Loaders } from './messages/loaders.js';
import type { Services } from './services.js';

export interface Context {
  em: EntityManager;
  viewer: Viewer | null;
  services: Services;
  loaders: Loaders;
  clientAddress: string;
  /** The language of error messages: the viewer's, else the `plex-lang` cookie's, else French. */
  locale: Locale;
  req?: Request;
  res?: Response;
}

export const sessionCookieName = (secure: boolean) => (secure ? '__Host-plex_session' : 'plex_session');

export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const index = part.indexOf('=');
    if (index > 0 && part.slice(0, index).trim() === name) {
      try {
        return decodeURIComponent(part.slice(index + 1).trim());
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

/** The cookie that keeps the language chosen in a browser, signed in or not (see `setLocale`). */
export const LOCALE_COOKIE = 'plex-lang';

export function requestLocale(viewer: Viewer | null, cookieHeader: string | undefined): Locale {
  if (viewer) return viewer.user.locale;
  const chosen = readCookie(cookieHeader, LOCALE_COOKIE);
  return LOCALES.find((locale) => locale === chosen) ?? 'fr';
}

export function bearerToken(header: string | undefined): string | undefined {
  const match = header?.match(/^Bearer\s+(\S+)\s*$/i);
  return match?.[1];
}

/** Resolves the viewer from the cookie or `Authorization: Bearer` headers of an HTTP or WS request. */
export async function resolveViewer(
  services: Services,
  em: EntityManager,
  headers: { cookie?: string; authorization?: string },
): Promise<Viewer | null> {
  const bearer = bearerToken(headers.authorization);
  if (bearer) return services.accounts.viewerFromApiToken(em, bearer);
  const cookie = readCookie(headers.cookie, sessionCookieName(services.config.secureCookies));
  return cookie ? services.accounts.viewerFromSession(em, cookie) : null;
}
