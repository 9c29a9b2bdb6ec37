// The logic of the recipients combobox (compose, step 1): which directory entries to offer,
// moving through them with the keyboard, and whether typed text is an address.
import { DEFAULT_LOCALE, type Locale, type Translations } from '#lib/i18n/locale.ts';

export interface DirectoryEntry {
	id: string;
	email: string;
	displayName: string;
	organization?: { name: string } | null;
}

// The server's pragmatic check: one @, no spaces, a dot in the domain.
const EMAIL = /^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+\.[^\s@<>()[\]\\,;:"]+$/;

export function normalizeAddress(text: string): string {
	return text.trim().toLowerCase();
}

export function isEmailAddress(text: string): boolean {
	return EMAIL.test(text.trim());
}

/** Directory results minus those already chosen (by address, case-insensitively), without duplicates. */
export function availableOptions<T extends DirectoryEntry>(results: readonly T[], chosen: readonly DirectoryEntry[]): T[] {
	const taken = new Set(chosen.map((entry) => normalizeAddress(entry.email)));
	const options: T[] = [];
	for (const entry of results) {
		const key = normalizeAddress(entry.email);
		if (taken.has(key)) continue;
		taken.add(key);
		options.push(entry);
	}
	return options;
}

/** The entry whose address is exactly `text`, if any. */
export function exactMatch<T extends DirectoryEntry>(results: readonly T[], text: string): T | undefined {
	const wanted = normalizeAddress(text);
	return results.find((entry) => normalizeAddress(entry.email) === wanted);
}

export type ComboboxKey = 'ArrowDown' | 'ArrowUp';

/** The next active option for a key, wrapping around; -1 when there is none. */
export function moveActive(current: number, key: ComboboxKey, count: number): number {
	if (count <= 0) return -1;
	switch (key) {
		case 'ArrowDown':
			return current < 0 || current >= count - 1 ? 0 : current + 1;
		case 'ArrowUp':
			return current <= 0 ? count - 1 : current - 1;
	}
}

/** "Maître Claire Avocate (avocate@barreau.example)". */
export function entryLabel(entry: DirectoryEntry): string {
	return `${entry.displayName} (${entry.email})`;
}

interface RecipientsWording {
	noMatch: string;
	proposed: (count: number) => string;
	unknown: (address: string) => string;
}

const WORDING: Translations<RecipientsWording> = {
	fr: {
		noMatch: "Aucun destinataire de l'annuaire ne correspond.",
		proposed: (count) => (count === 1 ? '1 destinataire proposé.' : `${count} destinataires proposés.`),
		unknown: (address) =>
			`Destinataire inconnu de l'annuaire PLEX : ${address}. Vous ne pouvez envoyer qu'aux utilisateurs inscrits dans PLEX.`
	},
	en: {
		noMatch: 'No one in the directory matches.',
		proposed: (count) => (count === 1 ? '1 recipient suggested.' : `${count} recipients suggested.`),
		unknown: (address) =>
			`Recipient not in the PLEX directory: ${address}. You can only send to users registered in PLEX.`
	}
};

/** What the live region says about the list: "3 destinataires proposés" / "3 recipients suggested". */
export function resultsAnnouncement(count: number, query: string, locale: Locale = DEFAULT_LOCALE): string {
	if (!query.trim()) return '';
	if (count === 0) return WORDING[locale].noMatch;
	return WORDING[locale].proposed(count);
}

/** The server's wording for an address outside the directory (RECIPIENT_UNKNOWN). */
export function unknownRecipientMessage(address: string, locale: Locale = DEFAULT_LOCALE): string {
	return WORDING[locale].unknown(address.trim());
}
