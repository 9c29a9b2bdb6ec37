// Signing in, a wrong password, activating a new account and resetting a password through the
// caught e-mails.
import type { Page } from '@playwright/test';
import { demoAccount } from './server-state.ts';
import { expect, expectPhoneLayout, test } from './fixtures.ts';
import { displayName, graphql, passwordLinkFor, signIn, uniqueTag } from './plex-api.ts';

/** Signs in through the login form. */
async function signInOnPage(page: Page, email: string, password: string) {
	await page.getByLabel('Adresse e-mail').fill(email);
	await page.getByLabel('Mot de passe', { exact: true }).fill(password);
	await page.getByRole('button', { name: 'Se connecter' }).click();
}

test('an agent signs in from the home page and signs out', async ({ page, plex, checkPage }) => {
	const agent = demoAccount(plex, 'agent');

	await page.goto('/');
	await expect(page).toHaveURL((url) => url.pathname === '/login' && url.searchParams.get('redirectTo') === '/');
	await expect(page).toHaveTitle('Connexion — PLEX');
	await expect(page.getByRole('link', { name: "J'ai oublié mon mot de passe" })).toHaveAttribute(
		'href',
		'/forgot-password'
	);
	await checkPage(page, 'login');
	await expectPhoneLayout(page, 'login-phone');

	await signInOnPage(page, agent.email, agent.password);
	await expect(page).toHaveURL((url) => url.pathname === '/' && url.search === '');
	const name = await displayName(page.request);
	// the home page is the inbox, greeting the user
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('Boîte de réception');
	await expect(page.locator('.lead')).toContainText(`Bonjour, ${name}`);
	await expect(page.getByRole('banner')).toContainText(name);
	await expect(page.getByText('Agent du ministère')).toBeVisible();
	await expect(page).toHaveTitle('Boîte de réception — PLEX');
	await checkPage(page, 'home');
	await expectPhoneLayout(page, 'home-phone');

	await page.getByRole('button', { name: 'Se déconnecter' }).click();
	await expect(page).toHaveURL((url) => url.pathname === '/login');
	await expect(page.getByRole('button', { name: 'Se déconnecter' })).toHaveCount(0);

	// the session is over on the server too
	await page.goto('/');
	await expect(page).toHaveURL((url) => url.pathname === '/login');
});

test('a wrong password shows the French error', async ({ page, plex, checkPage }) => {
	const agent = demoAccount(plex, 'agent');

	await page.goto('/login');
	await signInOnPage(page, agent.email, `${agent.password}-faux`);

	await expect(page.getByRole('alert').filter({ hasText: /\S/ })).toHaveText(
		'Adresse e-mail ou mot de passe incorrect.'
	);
	await expect(page).toHaveURL((url) => url.pathname === '/login');
	await checkPage(page, 'login-error');
});

test('a partner resets a forgotten password from the e-mailed link', async ({ page, plex, checkPage }) => {
	const partner = demoAccount(plex, 'partner');
	const newPassword = `Nouveau-mot-de-passe-${Date.now()}`;

	await page.goto('/login');
	await page.getByRole('link', { name: "J'ai oublié mon mot de passe" }).click();
	await expect(page).toHaveURL((url) => url.pathname === '/forgot-password');
	await expect(page).toHaveTitle('Mot de passe oublié — PLEX');
	// demo mode: the footer links to the caught e-mails
	await expect(page.getByRole('link', { name: 'Boîte de réception de démonstration' })).toHaveAttribute(
		'href',
		'/dev/mailbox'
	);
	await checkPage(page, 'forgot-password');

	const requestedAt = Date.now();
	await page.getByLabel('Adresse e-mail').fill(partner.email);
	await page.getByRole('button', { name: 'Envoyer' }).click();
	await expect(page.getByRole('status')).toContainText(
		"Si un compte existe pour cette adresse, un courriel contenant un lien de réinitialisation vient d'être envoyé. Le lien est valable 15 jours."
	);
	await checkPage(page, 'forgot-password-sent');

	const { link } = await passwordLinkFor(page.request, partner.email, requestedAt);
	expect(new URL(link).origin).toBe(plex.baseURL);
	await page.goto(link);
	await expect(page).toHaveTitle('Nouveau mot de passe — PLEX');

	const rules = page.locator('#password-rules li');
	await expect(rules).not.toHaveCount(0);
	await expect(page.locator('#password-rules li[data-rule="minLength"]')).toHaveAttribute('data-met', 'false');
	await page.getByLabel('Nouveau mot de passe', { exact: true }).fill('court');
	await expect(page.locator('#password-rules li[data-rule="minLength"]')).toHaveAttribute('data-met', 'false');
	await page.getByLabel('Nouveau mot de passe', { exact: true }).fill(newPassword);
	await page.getByLabel('Confirmer le nouveau mot de passe').fill(newPassword);
	await expect(page.locator('#password-rules li[data-met="false"]')).toHaveCount(0);
	await expect(page.locator('#password-rules li[data-met="true"]')).toHaveCount(await rules.count());
	await checkPage(page, 'reset-password');

	await page.getByRole('button', { name: 'Enregistrer le mot de passe' }).click();
	await expect(page.getByRole('status')).toContainText('Votre nouveau mot de passe est enregistré.');
	await checkPage(page, 'reset-password-done');

	await page.getByRole('link', { name: 'Se connecter' }).click();
	await expect(page).toHaveURL((url) => url.pathname === '/login');
	await signInOnPage(page, partner.email, newPassword);
	await expect(page).toHaveURL((url) => url.pathname === '/');
	await expect(page.locator('.lead')).toContainText(`Bonjour, ${await displayName(page.request)}`);
	await expect(page.getByText('Partenaire', { exact: true })).toBeVisible();
});

test('a new agent activates the account from the caught e-mail, then signs in', async ({ page, plex, checkPage, newSession }) => {
	const tag = uniqueTag();
	const email = `activation.${tag}@justice.example`;
	const password = `Premier-mot-de-passe-${tag}`;

	// an admin creates the account (the administration screen has its own test)
	const adminContext = await newSession();
	await signIn(adminContext.request, demoAccount(plex, 'admin'));
	const createdAt = Date.now();
	await graphql(adminContext.request, 'mutation C($input: CreateUserInput!) { createUser(input: $input) { id } }', {
		input: { email, displayName: `Agent ${tag}`, role: 'AGENT' }
	});

	const { link, mail } = await passwordLinkFor(page.request, email, createdAt);
	expect(mail.subject).toBe('Activez votre compte PLEX');
	expect(new URL(link).origin).toBe(plex.baseURL);

	// not yet active: the password does not open a session
	await page.goto('/login');
	await signInOnPage(page, email, password);
	await expect(page.getByRole('alert').filter({ hasText: /\S/ })).toHaveText('Adresse e-mail ou mot de passe incorrect.');

	await page.goto(link);
	await expect(page).toHaveTitle('Nouveau mot de passe — PLEX');
	await page.getByLabel('Nouveau mot de passe', { exact: true }).fill(password);
	await page.getByLabel('Confirmer le nouveau mot de passe').fill(password);
	await expect(page.locator('#password-rules li[data-met="false"]')).toHaveCount(0);
	await page.getByRole('button', { name: 'Enregistrer le mot de passe' }).click();
	await expect(page.getByRole('status')).toContainText('Votre nouveau mot de passe est enregistré.');
	await checkPage(page, 'activation-done');

	// the link is single-use
	await page.goto(link);
	await page.getByLabel('Nouveau mot de passe', { exact: true }).fill(`${password}-bis`);
	await page.getByLabel('Confirmer le nouveau mot de passe').fill(`${password}-bis`);
	await page.getByRole('button', { name: 'Enregistrer le mot de passe' }).click();
	await expect(page.getByRole('heading', { name: 'Lien expiré ou déjà utilisé' })).toBeFocused();

	await page.goto('/login');
	await signInOnPage(page, email, password);
	await expect(page).toHaveURL((url) => url.pathname === '/');
	await expect(page.locator('.lead')).toContainText(`Bonjour, Agent ${tag}`);
	await expect(page.getByText('Agent du ministère')).toBeVisible();
});

test('when the session has ended, the next page asks to sign in again, then opens the page the user wanted', async ({
	page,
	plex
}) => {
	const agent = demoAccount(plex, 'agent');
	await signIn(page.request, agent);
	await page.goto('/preferences');
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('Préférences');

	// the session ends on the server (idle too long, reset elsewhere...): the cookie is no longer valid
	await page.context().clearCookies();
	await page.getByRole('navigation', { name: 'Navigation principale' }).getByRole('link', { name: 'Envoyés' }).click();
	await expect(page).toHaveURL((url) => url.pathname === '/login' && url.searchParams.get('redirectTo') === '/sent');

	await signInOnPage(page, agent.email, agent.password);
	await expect(page).toHaveURL((url) => url.pathname === '/sent' && url.search === '');
	await expect(page.getByRole('heading', { level: 1 })).toHaveText('Messages envoyés');
});
