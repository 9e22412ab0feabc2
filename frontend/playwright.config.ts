import { defineConfig, devices } from '@playwright/test';

// The API and the built SPA are served together by the backend; these tests never start it.
const baseURL = process.env.E2E_BASE_URL ?? 'http://127.0.0.1:8765';

// Debian's Chromium is used instead of a Playwright-downloaded build, which this network cannot
// fetch. The flags keep it from dialling out to update and sync services that are unreachable.
const chromiumPath = process.env.E2E_CHROMIUM_PATH ?? '/usr/bin/chromium';

export default defineConfig({
  testDir: './e2e',
  fullyParallel: false,
  forbidOnly: Boolean(process.env.CI),
  workers: 1,
  retries: 0,
  timeout: 30_000,
  expect: { timeout: 10_000 },
  reporter: [['list']],
  use: {
    baseURL,
    headless: true,
    trace: 'off',
    screenshot: 'only-on-failure',
    video: 'off',
  },
  projects: [
    {
      name: 'chromium',
      use: {
        ...devices['Desktop Chrome'],
        launchOptions: {
          executablePath: chromiumPath,
          args: [
            '--headless',
            '--no-sandbox',
            '--disable-gpu',
            '--disable-quic',
            '--no-first-run',
            '--disable-background-networking',
            '--disable-component-update',
            '--disable-sync',
          ],
        },
      },
    },
  ],
});
