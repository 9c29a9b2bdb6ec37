import { describe, expect, it } from 'vitest';
import {
	availableOptions,
	entryLabel,
	exactMatch,
	isEmailAddress,
	moveActive,
	resultsAnnouncement,
	unknownRecipientMessage
} from './recipients.ts';

const entry = (email: string, displayName = email.split('@')[0]!) => ({ id: email, email, displayName });
const agent = entry('agent@justice.example', 'Bruno Greffier');
const admin = entry('admin@justice.example', 'Alice Administratrice');
const lawyer = entry('avocate@barreau.example', 'Maître Claire Avocate');

describe('availableOptions', () => {
	it('leaves out the recipients already chosen, whatever the case', () => {
		expect(availableOptions([admin, agent, lawyer], [entry('AGENT@Justice.example')])).toEqual([admin, lawyer]);
	});

	it('drops duplicates', () => {
		expect(availableOptions([agent, agent], [])).toEqual([agent]);
	});
});

describe('exactMatch and isEmailAddress', () => {
	it('finds a typed address in the results', () => {
		expect(exactMatch([admin, agent], ' Agent@justice.example ')).toBe(agent);
		expect(exactMatch([admin], 'agent@justice.example')).toBeUndefined();
	});

	it('recognizes an address', () => {
		expect(isEmailAddress('inconnu@nulle-part.example')).toBe(true);
		expect(isEmailAddress('Bruno')).toBe(false);
		expect(isEmailAddress('a b@c.d')).toBe(false);
		expect(isEmailAddress('a@b')).toBe(false);
	});
});

describe('moveActive', () => {
	it('moves down and up, wrapping around', () => {
		expect(moveActive(-1, 'ArrowDown', 3)).toBe(0);
		expect(moveActive(0, 'ArrowDown', 3)).toBe(1);
		expect(moveActive(2, 'ArrowDown', 3)).toBe(0);
		expect(moveActive(-1, 'ArrowUp', 3)).toBe(2);
		expect(moveActive(0, 'ArrowUp', 3)).toBe(2);
		expect(moveActive(2, 'ArrowUp', 3)).toBe(1);
	});

	it('has nothing to move in an empty list', () => {
		expect(moveActive(0, 'ArrowDown', 0)).toBe(-1);
		expect(moveActive(-1, 'ArrowUp', 0)).toBe(-1);
	});
});

describe('labels', () => {
	it('names an entry by name and address', () => {
		expect(entryLabel(lawyer)).toBe('Maître Claire Avocate (avocate@barreau.example)');
	});

	it('announces the number of proposals', () => {
		expect(resultsAnnouncement(0, 'zz')).toBe("Aucun destinataire de l'annuaire ne correspond.");
		expect(resultsAnnouncement(1, 'b')).toBe('1 destinataire proposé.');
		expect(resultsAnnouncement(3, 'b')).toBe('3 destinataires proposés.');
		expect(resultsAnnouncement(3, ' ')).toBe('');
	});

	it('announces the number of proposals in English', () => {
		expect(resultsAnnouncement(0, 'zz', 'en')).toBe('No one in the directory matches.');
		expect(resultsAnnouncement(1, 'b', 'en')).toBe('1 recipient suggested.');
		expect(resultsAnnouncement(3, 'b', 'en')).toBe('3 recipients suggested.');
		expect(resultsAnnouncement(3, ' ', 'en')).toBe('');
	});

	it('refuses an address outside the directory, in both languages', () => {
		expect(unknownRecipientMessage(' x@y.fr ')).toBe(
			"Destinataire inconnu de l'annuaire PLEX : x@y.fr. Vous ne pouvez envoyer qu'aux utilisateurs inscrits dans PLEX."
		);
		expect(unknownRecipientMessage(' x@y.fr ', 'en')).toBe(
			'Recipient not in the PLEX directory: x@y.fr. You can only send to users registered in PLEX.'
		);
	});
});
