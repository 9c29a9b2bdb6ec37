// The CSV import's report (created, updated, unchanged, rejected), merged into one list by line.
import type { ImportDirectoryMutation } from '#lib/graphql/generated/graphql.ts';

export type ImportReport = ImportDirectoryMutation['importDirectory'];
export type ImportOutcome = 'created' | 'updated' | 'unchanged' | 'rejected';

export interface ReportLine {
	line: number;
	email: string;
	outcome: ImportOutcome;
	reason: string | null;
}

export const OUTCOME_LABELS: Record<ImportOutcome, string> = {
	created: 'Créé',
	updated: 'Mis à jour',
	unchanged: 'Inchangé',
	rejected: 'Refusé'
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

/** "2 comptes créés, 1 mis à jour, 0 inchangé, 1 ligne refusée." */
export function reportSummary(report: ImportReport): string {
	const count = (n: number, one: string, many: string) => `${n} ${n > 1 ? many : one}`;
	return [
		count(report.created.length, 'compte créé', 'comptes créés'),
		count(report.updated.length, 'mis à jour', 'mis à jour'),
		count(report.unchanged.length, 'inchangé', 'inchangés'),
		count(report.rejected.length, 'ligne refusée', 'lignes refusées')
	].join(', ') + '.';
}
