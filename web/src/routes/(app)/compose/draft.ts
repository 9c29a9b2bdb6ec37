// Checks a message being written (compose) before any byte is uploaded, field by field,
// with the same rules and wording as the server, in the user's language.
import {
	MAX_COMMENT_LENGTH,
	MAX_FILES,
	MAX_LIFETIME_DAYS,
	MAX_MESSAGE_BYTES,
	MAX_RECIPIENTS,
	MAX_SUBJECT_LENGTH,
	MIN_LIFETIME_DAYS
} from '#lib/messages/limits.ts';
import { formatSize } from '#lib/format/size.ts';
import { ERROR_WORDING, messageForGraphqlError } from '#lib/graphql/errors.ts';
import { DEFAULT_LOCALE, type Locale, type Translations } from '#lib/i18n/locale.ts';

export interface Draft {
	recipients: readonly { email: string }[];
	subject: string;
	comment: string;
	files: readonly { size: number }[];
	lifetimeDays: number;
}

export type DraftField = 'recipients' | 'subject' | 'comment' | 'files' | 'lifetimeDays';
export type DraftErrors = Partial<Record<DraftField, string>>;

export function totalSize(files: readonly { size: number }[]): number {
	return files.reduce((sum, file) => sum + file.size, 0);
}

interface DraftWording {
	noRecipient: string;
	tooManyRecipients: (max: number) => string;
	noSubject: string;
	subjectTooLong: (max: number) => string;
	commentTooLong: (max: number) => string;
	noFile: string;
	tooManyFiles: (max: number) => string;
	tooLarge: (total: string, max: string) => string;
	lifetime: (min: number, max: number) => string;
	aborted: string;
	payloadTooLarge: string;
}

const WORDING: Translations<DraftWording> = {
	fr: {
		noRecipient: "Choisissez au moins un destinataire dans l'annuaire.",
		tooManyRecipients: (max) => `Indiquez au plus ${max} destinataires.`,
		noSubject: "Renseignez l'objet du message.",
		subjectTooLong: (max) => `L'objet ne peut dépasser ${max} caractères.`,
		commentTooLong: (max) => `Le commentaire ne peut dépasser ${max} caractères.`,
		noFile: 'Ajoutez au moins un fichier.',
		tooManyFiles: (max) => `Joignez au plus ${max} fichiers.`,
		tooLarge: (total, max) => `Les fichiers font ${total} : le total ne peut dépasser ${max}.`,
		lifetime: (min, max) => `Choisissez une durée de ${min} à ${max} jours.`,
		aborted: "Envoi annulé : aucun message n'a été envoyé.",
		payloadTooLarge: 'Les fichiers dépassent la taille maximale acceptée par PLEX.'
	},
	en: {
		noRecipient: 'Choose at least one recipient from the directory.',
		tooManyRecipients: (max) => `Enter no more than ${max} recipients.`,
		noSubject: 'Enter the subject of the message.',
		subjectTooLong: (max) => `The subject cannot exceed ${max} characters.`,
		commentTooLong: (max) => `The comment cannot exceed ${max} characters.`,
		noFile: 'Add at least one file.',
		tooManyFiles: (max) => `Attach no more than ${max} files.`,
		tooLarge: (total, max) => `The files come to ${total}: the total cannot exceed ${max}.`,
		lifetime: (min, max) => `Choose a lifetime of ${min} to ${max} days.`,
		aborted: 'Sending cancelled: no message was sent.',
		payloadTooLarge: 'The files exceed the maximum size PLEX accepts.'
	}
};

export function draftErrors(draft: Draft, maxBytes = MAX_MESSAGE_BYTES, locale: Locale = DEFAULT_LOCALE): DraftErrors {
	const wording = WORDING[locale];
	const errors: DraftErrors = {};
	if (draft.recipients.length === 0) errors.recipients = wording.noRecipient;
	else if (draft.recipients.length > MAX_RECIPIENTS) errors.recipients = wording.tooManyRecipients(MAX_RECIPIENTS);

	const subject = draft.subject.trim();
	if (!subject) errors.subject = wording.noSubject;
	else if (subject.length > MAX_SUBJECT_LENGTH) errors.subject = wording.subjectTooLong(MAX_SUBJECT_LENGTH);

	if (draft.comment.trim().length > MAX_COMMENT_LENGTH) {
		errors.comment = wording.commentTooLong(MAX_COMMENT_LENGTH);
	}

	const total = totalSize(draft.files);
	if (draft.files.length === 0) errors.files = wording.noFile;
	else if (draft.files.length > MAX_FILES) errors.files = wording.tooManyFiles(MAX_FILES);
	else if (total > maxBytes) {
		errors.files = wording.tooLarge(formatSize(total, { precise: true, locale }), formatSize(maxBytes, { locale }));
	}

	if (!Number.isInteger(draft.lifetimeDays) || draft.lifetimeDays < MIN_LIFETIME_DAYS || draft.lifetimeDays > MAX_LIFETIME_DAYS) {
		errors.lifetimeDays = wording.lifetime(MIN_LIFETIME_DAYS, MAX_LIFETIME_DAYS);
	}
	return errors;
}

export interface SendFailure {
	/** The field the refusal is about, when there is one. */
	field?: DraftField;
	message: string;
	/** Addresses the server did not find in the directory. */
	refused?: string[];
}

const FIELDS: readonly DraftField[] = ['recipients', 'subject', 'comment', 'files', 'lifetimeDays'];

/** Where and how to show a refused send (see #lib/messages/upload.ts for the error's shape). */
export function sendFailure(
	error: { kind: string; code?: string; message: string; extensions: Record<string, unknown> },
	locale: Locale = DEFAULT_LOCALE
): SendFailure {
	if (error.kind === 'aborted') return { message: WORDING[locale].aborted };
	if (error.kind === 'network') return { message: ERROR_WORDING[locale].network };
	// a file's upload failed for good: its message is already in the user's words
	if (error.kind === 'upload') return { field: 'files', message: error.message };
	// only a GraphQL error carries a message written for the user
	const message =
		error.kind === 'graphql'
			? messageForGraphqlError({ message: error.message, extensions: { ...error.extensions, code: error.code } }, locale)
			: ERROR_WORDING[locale].generic;
	switch (error.code) {
		case 'RECIPIENT_UNKNOWN': {
			const addresses = error.extensions['addresses'];
			return {
				field: 'recipients',
				message,
				refused: Array.isArray(addresses) ? addresses.filter((a): a is string => typeof a === 'string') : []
			};
		}
		case 'FORBIDDEN':
			return { field: 'recipients', message };
		case 'PAYLOAD_TOO_LARGE':
			return {
				field: 'files',
				message: message === ERROR_WORDING[locale].generic ? WORDING[locale].payloadTooLarge : message
			};
		case 'BAD_USER_INPUT': {
			// a refused upload (unknown, expired, not complete) is about the files
			const field = error.extensions['field'] === 'uploads' ? 'files' : error.extensions['field'];
			return FIELDS.includes(field as DraftField) ? { field: field as DraftField, message } : { message };
		}
		default:
			return { message };
	}
}
