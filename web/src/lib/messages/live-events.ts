// What the live updates (live.ts) decide, apart from the browser: the notice of a new message,
// the message a page shows, and how a burst of events turns into few reloads.
import type { LiveMessageReceivedSubscription } from '#lib/graphql/generated/graphql.ts';
import { DEFAULT_LOCALE, type Locale, type Translations } from '#lib/i18n/locale.ts';

type NewMessage = LiveMessageReceivedSubscription['messageReceived'];

const NOTICES: Translations<{
	newMessage: (sender: string, subject: string) => string;
	deletedBy: (name: string) => string;
}> = {
	fr: {
		newMessage: (sender, subject) => `Nouveau message de ${sender} : ${subject}`,
		deletedBy: (name) => `Ce message a été supprimé par ${name}.`
	},
	en: {
		newMessage: (sender, subject) => `New message from ${sender}: ${subject}`,
		deletedBy: (name) => `This message has been deleted by ${name}.`
	}
};

/** The announcement of a new message, as the status region reads it. */
export function newMessageNotice(
	message: Pick<NewMessage, 'subject'> & { sender: Pick<NewMessage['sender'], 'displayName'> },
	locale: Locale = DEFAULT_LOCALE
): string {
	return NOTICES[locale].newMessage(message.sender.displayName, message.subject);
}

/** The notice shown after leaving a message someone else has just deleted. */
export function deletedMessageNotice(deletedBy: { displayName: string }, locale: Locale = DEFAULT_LOCALE): string {
	return NOTICES[locale].deletedBy(deletedBy.displayName);
}

/** The message id a pathname shows (/messages/<id> or its receipt), if any. */
export function messageIdOfPath(pathname: string): string | undefined {
	return /^\/messages\/([^/]+)(?:\/receipt)?\/?$/.exec(pathname)?.[1];
}

/**
 * Runs `task` now, or, when a run is in progress, once more after it: a burst of events (a zip
 * download reports every file) costs at most two reloads, and none is lost.
 */
export function coalesce(task: () => Promise<void>): () => Promise<void> {
	let running: Promise<void> | null = null;
	let again = false;
	const run = async (): Promise<void> => {
		if (running) {
			again = true;
			return running;
		}
		running = (async () => {
			try {
				do {
					again = false;
					await task().catch(() => {
						// a failed reload leaves the page as it was; the next event tries again
					});
				} while (again);
			} finally {
				running = null;
			}
		})();
		return running;
	};
	return run;
}

