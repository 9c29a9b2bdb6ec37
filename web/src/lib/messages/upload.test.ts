import { describe, expect, it } from 'vitest';
import { multipartBody, readAnswer, SendError } from './upload.ts';

const message = { recipients: ['agent@justice.example'], subject: 'Pièces', comment: null, lifetimeDays: 7 };

describe('multipartBody', () => {
	it('follows the GraphQL multipart request spec', async () => {
		const files = [new File(['un'], 'relevé.txt'), new File(['deux'], 'b.pdf')];
		const body = multipartBody(message, files);
		const operations = JSON.parse(String(body.get('operations')));
		expect(operations.operationName).toBe('SendMessage');
		expect(operations.query).toContain('mutation SendMessage');
		expect(operations.variables.input).toEqual({ ...message, files: [null, null] });
		expect(JSON.parse(String(body.get('map')))).toEqual({
			'0': ['variables.input.files.0'],
			'1': ['variables.input.files.1']
		});
		const first = body.get('0') as File;
		expect(first.name).toBe('relevé.txt');
		expect(await first.text()).toBe('un');
		expect([...body.keys()]).toEqual(['operations', 'map', '0', '1']);
	});
});

describe('readAnswer', () => {
	it('returns the new id', () => {
		expect(readAnswer(200, '{"data":{"sendMessage":{"id":"m1"}}}')).toEqual({ id: 'm1' });
	});

	it('keeps the code and extensions of a GraphQL error', () => {
		const outcome = readAnswer(
			200,
			JSON.stringify({
				data: null,
				errors: [{ message: 'Destinataire(s) inconnu(s)', extensions: { code: 'RECIPIENT_UNKNOWN', addresses: ['x@y.fr'] } }]
			})
		);
		expect(outcome).toBeInstanceOf(SendError);
		expect(outcome).toMatchObject({ kind: 'graphql', code: 'RECIPIENT_UNKNOWN', extensions: { addresses: ['x@y.fr'] } });
	});

	it('reads an HTTP failure without a GraphQL body', () => {
		expect(readAnswer(413, '<html>')).toMatchObject({ kind: 'http', code: 'PAYLOAD_TOO_LARGE', status: 413 });
		expect(readAnswer(502, '')).toMatchObject({ kind: 'http', code: undefined, status: 502 });
	});
});
