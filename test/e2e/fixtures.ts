// Test fixtures: pages come from `browser.newContext()` (what @axe-core/playwright needs),
// pointed at the server started by global-setup.ts; `checkPage` runs axe and saves a
// screenshot of every page a test visits, and fails on errors the browser logged.
import AxeBuilder from '@axe-core/playwright';
import { test as base, expect, type Page } from '@playwright/test';
import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { REPO_ROOT, readServerState, type ServerState } from './server-state.ts';

const SCREENSHOT_DIR = resolve(REPO_ROOT, 'test-results/screenshots');

let screenshotInProgress = false;

interface PlexFixtures {
	plex: ServerState;
	/** Errors the pages logged (CSP violations, failed loads, uncaught exceptions). */
	browserErrors: string[];
	/** Checks accessibility (0 axe violations) and saves a screenshot named `name`. */
	checkPage: (page: Page, name: string) => Promise<void>;
}

export const test = base.extend<PlexFixtures>({
	plex: async ({}, use) => {
		await use(readServerState());
	},
	browserErrors: async ({}, use) => {
		await use([]);
	},
	context: async ({ browser, plex, locale, timezoneId, browserErrors }, use) => {
		const context = await browser.newContext({ baseURL: plex.baseURL, locale, timezoneId });
		const record = (error: string) => {
			if (!screenshotInProgress) browserErrors.push(error);
		};
		context.on('console', (message) => {
			if (message.type() === 'error') record(`console: ${message.text()}`);
		});
		context.on('weberror', (error) => record(`uncaught: ${error.error().message}`));
		await use(context);
		await context.close();
	},
	checkPage: async ({ browserErrors }, use, testInfo) => {
		await mkdir(SCREENSHOT_DIR, { recursive: true });
		await use(async (page, name) => {
			const results = await new AxeBuilder({ page }).analyze();
			const summary = results.violations.map(
				(v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`
			);
			expect(summary, `axe violations on ${name} (${page.url()})`).toEqual([]);
			expect(browserErrors, `errors in the browser up to ${name}`).toEqual([]);

			// Firefox's screenshot injects a <style> that the app's CSP rightly blocks: not the app's error
			screenshotInProgress = true;
			try {
				await page.screenshot({
					path: resolve(SCREENSHOT_DIR, `${testInfo.project.name}-${name}.png`),
					fullPage: true
				});
				await page.waitForTimeout(100);
			} finally {
				screenshotInProgress = false;
			}
		});
	}
});

export { expect };
