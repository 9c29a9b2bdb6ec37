// Browser tests of the whole stack: test/e2e/global-setup.ts starts the real PLEX server
// (embedded PostgreSQL and mail catcher, demo accounts) and the tests drive Debian's
// Chromium and Firefox ESR (never `npx playwright install`).
// Run: npx playwright test --project=chromium   (after `npm run build`)
import { defineConfig } from '@playwright/test';

export default defineConfig({
	testDir: 'test/e2e',
	outputDir: 'test-results/playwright-output',
	globalSetup: './test/e2e/global-setup.ts',
	// one server for the run; tests share its demo accounts and mailbox
	workers: 1,
	fullyParallel: false,
	forbidOnly: Boolean(process.env['CI']),
	retries: 0,
	timeout: 60_000,
	expect: { timeout: 10_000 },
	reporter: [['list'], ['json', { outputFile: 'test-results/playwright.json' }]],
	use: {
		locale: 'fr-FR',
		timezoneId: 'Europe/Paris',
		screenshot: 'only-on-failure',
		trace: 'retain-on-failure'
	},
	projects: [
		{
			name: 'chromium',
			use: {
				browserName: 'chromium',
				launchOptions: {
					executablePath: '/usr/bin/chromium',
					args: [
						'--headless',
						'--no-sandbox',
						'--disable-gpu',
						'--disable-quic',
						'--no-first-run',
						'--disable-background-networking',
						'--disable-component-update',
						'--disable-sync'
					]
				}
			}
		},
		{
			name: 'firefox',
			use: {
				browserName: 'firefox',
				channel: 'moz-firefox',
				launchOptions: { executablePath: '/usr/bin/firefox-esr' }
			}
		}
	]
});
