import { describe, expect, it } from 'vitest';
import { reportLines, reportSummary } from './import-report.ts';

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
	});
});
