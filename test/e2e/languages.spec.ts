// PLEX in English: an English-speaking agent is created by an admin, activates the account from
// the English e-mail (whose link opens the page in English), signs in and uses every screen in
// English (axe on each), then switches to French; a signed-out visitor switches the login page.
import type { Page } from '@playwright/test';
import { expect, expectPhoneLayout, test } from './fixtures.ts';
import { graphql, passwordLinkFor, sendByApi, signIn, uniqueTag } from './plex-api.ts';
import { demoAccount } from './server-state.ts';

async function expectLanguage(page: Page, lang: 'fr' | 'en'): Promise<void> {
	await expect(page.locator('html')).toHaveAttribute('lang', lang);
}

test('an English-speaking agent activates the account, uses every screen in English, then switches to French', async ({
	page,
	plex,
	checkPage,
	newSession
}) => {
	// the whole journey, with an accessibility check of ten screens (slow in Firefox on 2 cores)
	test.setTimeout(150_000);
	const tag = uniqueTag();
	const email = `english.${tag}@justice.example`;
	const name = `Agent ${tag}`;
	const password = `First-password-${tag}`;

	const adminContext = await newSession();
	await signIn(adminContext.request, demoAccount(plex, 'admin'));
	const createdAt = Date.now();
	await graphql(adminContext.request, 'mutation C($input: CreateUserInput!) { createUser(input: $input) { id } }', {
		input: { email, displayName: name, role: 'AGENT', locale: 'en' }
	});

	// the activation e-mail is in English and its link opens the page in English
	const { link, mail } = await passwordLinkFor(page.request, email, createdAt);
	expect(mail.subject).toBe('Activate your PLEX account');
	expect(new URL(link).searchParams.get('lang')).toBe('en');
	await page.goto(link);
	await expectLanguage(page, 'en');
	await expect(page).toHaveTitle('New password — PLEX');
	await expect(page.locator('#password-rules li[data-rule="minLength"]')).toContainText('At least 8 characters');
	await page.getByLabel('New password', { exact: true }).fill(password);
	await page.getByLabel('Confirm the new password').fill(password);
	await expect(page.locator('#password-rules li[data-met="false"]')).toHaveCount(0);
	await checkPage(page, 'en-activation');
	await page.getByRole('button', { name: 'Save the password' }).click();
	await expect(page.getByRole('status')).toContainText('Your new password has been saved.');

	// the signed-out pages stay in English, errors included
	await page.getByRole('link', { name: 'Sign in' }).click();
	await expect(page).toHaveTitle('Sign in — PLEX');
	await expectLanguage(page, 'en');
	await page.getByLabel('E-mail address').fill(email);
	await page.getByLabel('Password', { exact: true }).fill(`${password}-wrong`);
	await page.getByRole('button', { name: 'Sign in' }).click();
	await expect(page.getByRole('alert').filter({ hasText: /\S/ })).toHaveText('Incorrect e-mail address or password.');
	await checkPage(page, 'en-login-error');

	// a message from the demo agent is waiting
	const agentContext = await newSession();
	await signIn(agentContext.request, demoAccount(plex, 'agent'));
	const subject = `Report ${tag}`;
	await sendByApi(agentContext.request, email, subject);

	await page.getByLabel('Password', { exact: true }).fill(password);
	await page.getByRole('button', { name: 'Sign in' }).click();
	await expect(page).toHaveURL((url) => url.pathname === '/');
	await expect(page).toHaveTitle('Inbox — PLEX');
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('Inbox');
	await expect(page.locator('.lead')).toContainText(`Hello, ${name}`);
	await expect(page.getByText('Ministry staff member')).toBeVisible();
	await expect(page.getByText('Unread', { exact: true })).toBeVisible();
	await checkPage(page, 'en-inbox');
	await expectPhoneLayout(page, 'en-inbox-phone');

	await page.getByRole('link', { name: subject }).click();
	await expect(page.getByRole('heading', { level: 1 })).toHaveText(subject);
	await expect(page.getByRole('button', { name: 'Download all files' })).toBeVisible();
	await expect(page.getByText(/Expires in \d+ days?/)).toBeVisible();
	await expect(page.getByText('SHA-256 fingerprint:').first()).toBeVisible();
	await checkPage(page, 'en-message');
	await page.getByRole('link', { name: 'Receipt' }).click();
	await expectLanguage(page, 'en');
	await checkPage(page, 'en-receipt');

	const navigation = page.getByRole('navigation', { name: 'Main navigation' });
	await navigation.getByRole('link', { name: 'Sent' }).click();
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('Sent messages');
	await expect(page.getByText('You have not sent any messages.')).toBeVisible();
	await checkPage(page, 'en-sent');

	await navigation.getByRole('link', { name: 'New message' }).click();
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('New message');
	await expect(page.getByRole('button', { name: 'Send' })).toBeVisible();
	await checkPage(page, 'en-compose');

	await navigation.getByRole('link', { name: 'Preferences' }).click();
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('Preferences');
	await page.getByRole('switch', { name: 'When a message is viewed' }).click();
	await expect(page.getByRole('status').filter({ hasText: 'Saved' })).toHaveText(
		'Saved. Notification turned off: when a message is viewed.'
	);
	await checkPage(page, 'en-preferences');

	await navigation.getByRole('link', { name: 'Help' }).click();
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('Help');
	await expect(page.getByText('The Mozilla Firefox browser is recommended.')).toBeVisible();
	await checkPage(page, 'en-assistance');

	// another user's (or no) message: the error page in English
	await page.goto('/messages/00000000-0000-4000-8000-000000000000');
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('Page not found');
	await expect(page.getByText('This message does not exist, has been deleted, or is not addressed to you.')).toBeVisible();

	// back to French: the choice is saved for the account (web app and e-mails)
	await page.goto('/');
	await page.getByRole('button', { name: 'Français' }).click();
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('Boîte de réception');
	await expectLanguage(page, 'fr');
	await expect(page.getByRole('button', { name: 'English' })).toBeVisible();
	const { me } = await graphql<{ me: { locale: string } }>(page.request, 'query { me { locale } }');
	expect(me.locale).toBe('fr');
	await page.reload();
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('Boîte de réception');
});

test('a signed-out visitor reads the login page in English, and the choice is kept', async ({ page, checkPage }) => {
	await page.goto('/login');
	await expectLanguage(page, 'fr');
	await page.getByRole('button', { name: 'English' }).click();
	await expect(page).toHaveTitle('Sign in — PLEX');
	await expectLanguage(page, 'en');
	await expect(page.getByRole('link', { name: 'Forgot my password' })).toHaveAttribute('href', '/forgot-password');
	await checkPage(page, 'en-login');

	await page.getByRole('link', { name: 'Forgot my password' }).click();
	await expectLanguage(page, 'en');
	await checkPage(page, 'en-forgot-password');

	await page.reload();
	await expectLanguage(page, 'en');
	await page.getByRole('button', { name: 'Français' }).click();
	await expectLanguage(page, 'fr');
	await expect(page).toHaveTitle('Mot de passe oublié — PLEX');
});
