import { describe, expect, it } from 'vitest';
import { OUTCOME_LABELS, outcomeText, reportLines, reportSummary } from './import-report.ts';

const report = {
	created: [{ line: 3, email: 'b@x.fr' }, { line: 2, email: 'a@x.fr' }],
	updated: [],
	unchanged: [{ line: 5, email: 'd@x.fr' }],
	rejected: [{ line: 4, email: 'c', reason: 'Adresse e-mail invalide.' }]
};

describe('import report', () => {
	it('lists every line in order, with its outcome and reason', () => {
		expect(reportLines(report)).toEqual([
			{ line: 2, email: 'a@x.fr', outcome: 'created', reason: null },
			{ line: 3, email: 'b@x.fr', outcome: 'created', reason: null },
			{ line: 4, email: 'c', outcome: 'rejected', reason: 'Adresse e-mail invalide.' },
			{ line: 5, email: 'd@x.fr', outcome: 'unchanged', reason: null }
		]);
	});

	it('sums it up in French', () => {
		expect(reportSummary(report)).toBe('2 comptes créés, 0 mis à jour, 1 inchangé, 1 ligne refusée.');
		expect(reportSummary(report, 'fr')).toBe('2 comptes créés, 0 mis à jour, 1 inchangé, 1 ligne refusée.');
	});

	it('sums it up in English, with English plurals', () => {
		expect(reportSummary(report, 'en')).toBe('2 accounts created, 0 updated, 1 unchanged, 1 line rejected.');
		const other = { created: [], updated: [{ line: 2, email: 'a@x.fr' }], unchanged: [], rejected: [
			{ line: 3, email: 'b', reason: 'Invalid e-mail address.' },
			{ line: 4, email: 'c', reason: 'Invalid e-mail address.' }
		] };
		expect(reportSummary(other, 'en')).toBe('0 accounts created, 1 updated, 0 unchanged, 2 lines rejected.');
	});

	it("words each line's outcome, with the server's reason", () => {
		expect(outcomeText({ outcome: 'created', reason: null })).toBe('Créé');
		expect(outcomeText({ outcome: 'rejected', reason: 'Adresse e-mail invalide.' })).toBe('Refusé : Adresse e-mail invalide.');
		expect(outcomeText({ outcome: 'updated', reason: null }, 'en')).toBe('Updated');
		expect(outcomeText({ outcome: 'rejected', reason: 'Invalid e-mail address.' }, 'en')).toBe(
			'Rejected: Invalid e-mail address.'
		);
		expect(OUTCOME_LABELS.en.unchanged).toBe('Unchanged');
		expect(OUTCOME_LABELS.fr.unchanged).toBe('Inchangé');
	});
});
