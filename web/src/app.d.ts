// Types shared by the whole app through SvelteKit's `App` namespace.
import type { Viewer } from '#lib/accounts/viewer.ts';

declare global {
	namespace App {
		interface Error {
			message: string;
			/** A French explanation for the error page, in the user's words. */
			detail?: string;
		}
		interface Locals {
			/** The signed-in user, from the PLEX server's `me` query; null when signed out. */
			viewer: Viewer | null;
		}
		interface PageData {
			viewer: Viewer | null;
			/** The demo mail catcher is on: show the link to /dev/mailbox. */
			mailCatcher: boolean;
		}
	}
}

export {};
