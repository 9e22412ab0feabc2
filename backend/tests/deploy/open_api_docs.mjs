// Opens the API documentation pages in Chromium (Playwright from the web app's packages) and
// prints what rendered, as JSON, for tests/deploy/test_nginx.py:
//   node open_api_docs.mjs https://localhost:PORT
// For /docs: the operations Swagger UI lists; for /redoc: the operations ReDoc lists; for
// both: every Content-Security-Policy violation, console error and page error.
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const require = createRequire(resolve(root, 'frontend/package.json'));
const { chromium } = require('@playwright/test');

const base = process.argv[2];
const browser = await chromium.launch({
  executablePath: process.env.E2E_CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox'],
});

async function open(path, selector, readOperations) {
  const context = await browser.newContext({ ignoreHTTPSErrors: true });
  const page = await context.newPage();
  const problems = [];
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`);
    });
  });
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(msg.text());
  });
  page.on('pageerror', (err) => problems.push(`page error: ${err.message}`));
  const response = await page.goto(base + path, { waitUntil: 'load' });
  let operations = [];
  try {
    await page.waitForSelector(selector, { timeout: 30000 });
    operations = await page.evaluate(readOperations);
  } catch (err) {
    problems.push(`nothing rendered: ${err.message.split('\n')[0]}`);
  }
  const csp = response.headers()['content-security-policy'] ?? null;
  await context.close();
  return { status: response.status(), csp, operations, problems };
}

const result = {
  docs: await open('/docs', '.opblock', () =>
    [...document.querySelectorAll('.opblock .opblock-summary-path')].map((e) =>
      e.getAttribute('data-path'))),
  redoc: await open('/redoc', '[data-section-id^="operation/"]', () =>
    [...document.querySelectorAll('[data-section-id^="operation/"]')].map((e) =>
      e.getAttribute('data-section-id').replace('operation/', ''))),
};
await browser.close();
console.log(JSON.stringify(result));
