// Facts the message pages show, derived from the API's shapes.
import { DEFAULT_LOCALE, type Locale, type Translations } from '#lib/i18n/locale.ts';

interface WithRecipients {
	recipients: readonly { user: { id: string }; viewedAt: string | null }[];
}

/** Unread for the viewer: they are a recipient and have not opened it yet. */
export function isUnreadBy(message: WithRecipients, viewerId: string): boolean {
	const own = message.recipients.find((recipient) => recipient.user.id === viewerId);
	return own !== undefined && own.viewedAt === null;
}

const FILE_COUNT: Translations<(count: number) => string> = {
	fr: (count) => `${count} fichier${count > 1 ? 's' : ''}`,
	en: (count) => `${count} file${count === 1 ? '' : 's'}`
};

/** "1 fichier", "3 fichiers" / "1 file", "3 files". */
export function fileCount(count: number, locale: Locale = DEFAULT_LOCALE): string {
	return FILE_COUNT[locale](count);
}

/** The first complete download of each file by one recipient, by file id. */
export function downloadsByFile(downloads: readonly { file: { id: string }; at: string }[]): Map<string, string> {
	const byFile = new Map<string, string>();
	for (const download of downloads) {
		const known = byFile.get(download.file.id);
		if (known === undefined || Date.parse(download.at) < Date.parse(known)) byFile.set(download.file.id, download.at);
	}
	return byFile;
}
