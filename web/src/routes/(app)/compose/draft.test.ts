import { describe, expect, it } from 'vitest';
import { draftErrors, sendFailure, totalSize } from './draft.ts';

const valid = {
	recipients: [{ email: 'avocate@barreau.example' }],
	subject: 'Pièces du dossier',
	comment: '',
	files: [{ size: 10 }, { size: 20 }],
	lifetimeDays: 7
};

describe('draftErrors', () => {
	it('accepts a complete message', () => {
		expect(draftErrors(valid)).toEqual({});
		expect(totalSize(valid.files)).toBe(30);
	});

	it('names each missing part', () => {
		expect(draftErrors({ ...valid, recipients: [], subject: '  ', files: [] })).toEqual({
			recipients: "Choisissez au moins un destinataire dans l'annuaire.",
			subject: "Renseignez l'objet du message.",
			files: 'Ajoutez au moins un fichier.'
		});
	});

	it('refuses more than the size limit, saying both sizes', () => {
		const files = [{ size: 1_500_000_000 }, { size: 700_000_000 }];
		expect(draftErrors({ ...valid, files }).files).toBe(
			'Les fichiers font 2,05\u00a0Go : le total ne peut dépasser 2\u00a0Go.'
		);
		expect(draftErrors({ ...valid, files: [{ size: 2_147_483_648 }] })).toEqual({});
		expect(draftErrors({ ...valid, files: [{ size: 2_000 }] }, 1_000).files).toBe(
			'Les fichiers font 1,95\u00a0Ko : le total ne peut dépasser 1\u202f000\u00a0octets.'
		);
	});

	it('checks the lengths and the lifetime', () => {
		expect(draftErrors({ ...valid, subject: 'x'.repeat(201) }).subject).toBe("L'objet ne peut dépasser 200 caractères.");
		expect(draftErrors({ ...valid, comment: 'x'.repeat(5001) }).comment).toBe('Le commentaire ne peut dépasser 5000 caractères.');
		expect(draftErrors({ ...valid, lifetimeDays: 16 }).lifetimeDays).toBe('Choisissez une durée de 1 à 15 jours.');
		expect(draftErrors({ ...valid, lifetimeDays: 0 }).lifetimeDays).toBeDefined();
	});

	it('words the errors in English', () => {
		expect(draftErrors({ ...valid, recipients: [], subject: '  ', files: [] }, undefined, 'en')).toEqual({
			recipients: 'Choose at least one recipient from the directory.',
			subject: 'Enter the subject of the message.',
			files: 'Add at least one file.'
		});
		const files = [{ size: 1_500_000_000 }, { size: 700_000_000 }];
		expect(draftErrors({ ...valid, files }, undefined, 'en').files).toBe(
			'The files come to 2.05\u00a0GB: the total cannot exceed 2\u00a0GB.'
		);
		expect(draftErrors({ ...valid, files: [{ size: 2_000 }] }, 1_000, 'en').files).toBe(
			'The files come to 1.95\u00a0KB: the total cannot exceed 1,000\u00a0bytes.'
		);
		expect(draftErrors({ ...valid, subject: 'x'.repeat(201) }, undefined, 'en').subject).toBe(
			'The subject cannot exceed 200 characters.'
		);
		expect(draftErrors({ ...valid, comment: 'x'.repeat(5001) }, undefined, 'en').comment).toBe(
			'The comment cannot exceed 5000 characters.'
		);
		expect(draftErrors({ ...valid, lifetimeDays: 16 }, undefined, 'en').lifetimeDays).toBe('Choose a lifetime of 1 to 15 days.');
		expect(draftErrors({ ...valid, recipients: Array.from({ length: 51 }, () => valid.recipients[0]!) }, undefined, 'en').recipients).toBe(
			'Enter no more than 50 recipients.'
		);
		expect(draftErrors({ ...valid, files: Array.from({ length: 51 }, () => ({ size: 1 })) }, undefined, 'en').files).toBe(
			'Attach no more than 50 files.'
		);
	});
});

describe('sendFailure', () => {
	const graphql = (code: string, message: string, extensions: Record<string, unknown> = {}) => ({
		kind: 'graphql',
		code,
		message,
		extensions: { code, ...extensions }
	});

	it("puts the server's RECIPIENT_UNKNOWN message on the recipients, with the refused addresses", () => {
		const message = "Destinataire(s) inconnu(s) de l'annuaire PLEX : x@y.fr.";
		expect(sendFailure(graphql('RECIPIENT_UNKNOWN', message, { addresses: ['x@y.fr', 3] }))).toEqual({
			field: 'recipients',
			message,
			refused: ['x@y.fr']
		});
	});

	it('puts a refused field on that field', () => {
		expect(sendFailure(graphql('BAD_USER_INPUT', "L'objet doit comporter de 1 à 200 caractères.", { field: 'subject' }))).toEqual({
			field: 'subject',
			message: "L'objet doit comporter de 1 à 200 caractères."
		});
		expect(sendFailure(graphql('BAD_USER_INPUT', 'Envoi de fichier inconnu.', { field: 'uploads' }))).toEqual({
			field: 'files',
			message: 'Envoi de fichier inconnu.'
		});
		expect(sendFailure(graphql('BAD_USER_INPUT', 'Autre refus.', { field: 'other' }))).toEqual({ message: 'Autre refus.' });
		expect(sendFailure(graphql('FORBIDDEN', 'Un partenaire ne peut envoyer…')).field).toBe('recipients');
	});

	it('explains a size refusal even without a message', () => {
		expect(sendFailure({ kind: 'http', code: 'PAYLOAD_TOO_LARGE', message: 'Payload too large', extensions: {} })).toEqual({
			field: 'files',
			message: 'Les fichiers dépassent la taille maximale acceptée par PLEX.'
		});
	});

	it("shows a failed upload's reason on the files", () => {
		expect(sendFailure({ kind: 'upload', message: "Trop d'envois en cours", extensions: {} })).toEqual({
			field: 'files',
			message: "Trop d'envois en cours"
		});
	});

	it('says when nothing was sent', () => {
		expect(sendFailure({ kind: 'aborted', message: 'aborted', extensions: {} }).message).toBe(
			"Envoi annulé : aucun message n'a été envoyé."
		);
		expect(sendFailure({ kind: 'network', message: 'x', extensions: {} }).message).toMatch(/ne répond pas/);
		expect(sendFailure({ kind: 'http', message: 'HTTP 502', extensions: {} }).message).toMatch(/inattendue/);
	});

	it('says it in English', () => {
		expect(sendFailure({ kind: 'aborted', message: 'aborted', extensions: {} }, 'en').message).toBe(
			'Sending cancelled: no message was sent.'
		);
		expect(sendFailure({ kind: 'network', message: 'x', extensions: {} }, 'en').message).toMatch(/not answering/);
		expect(sendFailure({ kind: 'http', message: 'HTTP 502', extensions: {} }, 'en').message).toMatch(/unexpected/);
		expect(sendFailure({ kind: 'http', code: 'PAYLOAD_TOO_LARGE', message: 'Payload too large', extensions: {} }, 'en')).toEqual({
			field: 'files',
			message: 'The files exceed the maximum size PLEX accepts.'
		});
		expect(sendFailure(graphql('UNAUTHENTICATED', 'x'), 'en').message).toMatch(/session has expired/);
		// the server words its domain messages in the request's language already
		const message = 'Recipient(s) not in the PLEX directory: x@y.fr.';
		expect(sendFailure(graphql('RECIPIENT_UNKNOWN', message, { addresses: ['x@y.fr'] }), 'en')).toEqual({
			field: 'recipients',
			message,
			refused: ['x@y.fr']
		});
	});
});
