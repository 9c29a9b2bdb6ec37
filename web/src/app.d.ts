// Types shared by the whole app through SvelteKit's `App` namespace.
import type { Viewer } from '#lib/accounts/viewer.ts';
import type { Locale } from '#lib/i18n/locale.ts';
import type { ErrorReason } from '#lib/layout/error-page.ts';

declare global {
	namespace App {
		interface Error {
			message: string;
			/** Why, for the error page to say in the user's language (#lib/layout/error-page.ts). */
			reason?: ErrorReason;
			/** An explanation already in the user's words and language (e.g. the server's rule). */
			detail?: string;
		}
		interface Locals {
			/** The signed-in user, from the PLEX server's `me` query; null when signed out. */
			viewer: Viewer | null;
			/** The page's language: the viewer's, else the `plex-lang` cookie's, else French. */
			locale: Locale;
		}
		interface PageData {
			locale: Locale;
			viewer: Viewer | null;
			/** The demo mail catcher is on: show the link to /dev/mailbox. */
			mailCatcher: boolean;
			/** The largest total size of one message the server accepts (features.maxMessageBytes). */
			maxMessageBytes: number;
		}
	}
}

export {};
