// Facts the message pages show, derived from the API's shapes.

interface WithRecipients {
	recipients: readonly { user: { id: string }; viewedAt: string | null }[];
}

/** Unread for the viewer: they are a recipient and have not opened it yet. */
export function isUnreadBy(message: WithRecipients, viewerId: string): boolean {
	const own = message.recipients.find((recipient) => recipient.user.id === viewerId);
	return own !== undefined && own.viewedAt === null;
}

/** "1 fichier", "3 fichiers". */
export function fileCount(count: number): string {
	return `${count} fichier${count > 1 ? 's' : ''}`;
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
