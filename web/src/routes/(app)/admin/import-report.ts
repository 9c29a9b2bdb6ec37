// The CSV import's report (created, updated, unchanged, rejected), merged into one list by line.
// The rejected lines' reasons come from the server, already in the user's language.
import type { ImportDirectoryMutation } from '#lib/graphql/generated/graphql.ts';
import { DEFAULT_LOCALE, type Locale, type Translations } from '#lib/i18n/locale.ts';

export type ImportReport = ImportDirectoryMutation['importDirectory'];
export type ImportOutcome = 'created' | 'updated' | 'unchanged' | 'rejected';

export interface ReportLine {
	line: number;
	email: string;
	outcome: ImportOutcome;
	reason: string | null;
}

interface ReportWording {
	outcomes: Record<ImportOutcome, string>;
	/** The summary's parts, by count. */
	created: (n: number) => string;
	updated: (n: number) => string;
	unchanged: (n: number) => string;
	rejected: (n: number) => string;
	/** "Refusé : Adresse e-mail invalide." */
	withReason: (outcome: string, reason: string) => string;
}

/** French: singular for 0 and 1. */
const frenchCount = (one: string, many: string) => (n: number) => `${n} ${n > 1 ? many : one}`;
/** English: singular for 1 only. */
const englishCount = (one: string, many: string) => (n: number) => `${n} ${n === 1 ? one : many}`;

const WORDING: Translations<ReportWording> = {
	fr: {
		outcomes: { created: 'Créé', updated: 'Mis à jour', unchanged: 'Inchangé', rejected: 'Refusé' },
		created: frenchCount('compte créé', 'comptes créés'),
		updated: frenchCount('mis à jour', 'mis à jour'),
		unchanged: frenchCount('inchangé', 'inchangés'),
		rejected: frenchCount('ligne refusée', 'lignes refusées'),
		withReason: (outcome, reason) => `${outcome} : ${reason}`
	},
	en: {
		outcomes: { created: 'Created', updated: 'Updated', unchanged: 'Unchanged', rejected: 'Rejected' },
		created: englishCount('account created', 'accounts created'),
		updated: englishCount('updated', 'updated'),
		unchanged: englishCount('unchanged', 'unchanged'),
		rejected: englishCount('line rejected', 'lines rejected'),
		withReason: (outcome, reason) => `${outcome}: ${reason}`
	}
};

/** Each outcome in each language: `OUTCOME_LABELS[locale][outcome]`. */
export const OUTCOME_LABELS: Translations<Record<ImportOutcome, string>> = {
	fr: WORDING.fr.outcomes,
	en: WORDING.en.outcomes
};

export function reportLines(report: ImportReport): ReportLine[] {
	const lines: ReportLine[] = [];
	for (const outcome of ['created', 'updated', 'unchanged', 'rejected'] as const) {
		for (const entry of report[outcome]) {
			lines.push({ line: entry.line, email: entry.email, outcome, reason: 'reason' in entry ? (entry.reason ?? null) : null });
		}
	}
	return lines.sort((a, b) => a.line - b.line || a.email.localeCompare(b.email));
}

/** "Créé", or "Refusé : Adresse e-mail invalide." with the server's reason. */
export function outcomeText(line: Pick<ReportLine, 'outcome' | 'reason'>, locale: Locale = DEFAULT_LOCALE): string {
	const wording = WORDING[locale];
	const label = wording.outcomes[line.outcome];
	return line.reason ? wording.withReason(label, line.reason) : label;
}

/** "2 comptes créés, 1 mis à jour, 0 inchangé, 1 ligne refusée." */
export function reportSummary(report: ImportReport, locale: Locale = DEFAULT_LOCALE): string {
	const wording = WORDING[locale];
	return (
		[
			wording.created(report.created.length),
			wording.updated(report.updated.length),
			wording.unchanged(report.unchanged.length),
			wording.rejected(report.rejected.length)
		].join(', ') + '.'
	);
}
