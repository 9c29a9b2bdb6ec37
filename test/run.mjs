// `npm test`: the whole suite. Type checks and builds first (the browser tests and the smoke test
// run the built app), then the unit and API tests (vitest), then the browser tests (Playwright).
// Ends with one line, `N passed, M failed`, totalled from the runners' JSON reports.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';

const results = 'test-results';
rmSync(`${results}/vitest.json`, { force: true });
rmSync(`${results}/playwright.json`, { force: true });
mkdirSync(results, { recursive: true });

const step = (title, command, args) => {
  process.stdout.write(`\n== ${title}: ${command} ${args.join(' ')}\n`);
  return spawnSync(command, args, { stdio: 'inherit', env: process.env }).status === 0;
};

const problems = [];
if (!step('type checks', 'npm', ['run', 'check'])) problems.push('type checks failed');
if (!step('build', 'npm', ['run', 'build'])) problems.push('build failed');
const vitestOk = step('unit and API tests', 'npx', ['vitest', 'run']);
const playwrightOk = step('browser tests', 'npx', ['playwright', 'test']);

let passed = 0;
let failed = 0;
const read = (file) => (existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : undefined);
const vitest = read(`${results}/vitest.json`);
if (vitest) {
  passed += vitest.numPassedTests;
  failed += vitest.numFailedTests;
}
if (!vitest || (!vitestOk && vitest.numFailedTests === 0)) problems.push('vitest did not complete');
const playwright = read(`${results}/playwright.json`);
if (playwright) {
  passed += playwright.stats.expected + playwright.stats.flaky;
  failed += playwright.stats.unexpected;
}
if (!playwright || (!playwrightOk && playwright.stats.unexpected === 0)) problems.push('Playwright did not complete');

for (const problem of problems) process.stdout.write(`\n${problem}\n`);
const summary = `${passed} passed, ${failed} failed`;
writeFileSync(`${results}/summary.txt`, `${summary}\n`);
process.stdout.write(`\n${summary}\n`);
process.exit(failed === 0 && problems.length === 0 ? 0 : 1);
