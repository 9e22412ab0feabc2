import { expect, test } from '@playwright/test';
import { signInAsAdmin } from './support';

const DEMO_MACHINES = ['Air Compressor 1', 'CNC Line 1', 'Process Chiller'];

test('the dashboard shows the demo machines’ live data', async ({ page }) => {
  test.setTimeout(180_000);
  await signInAsAdmin(page);
  await expect(page.getByRole('heading', { level: 1, name: 'Dashboard' })).toBeVisible();

  const devices = page.getByRole('region', { name: 'Devices' });
  await expect(devices).toContainText(/\d+ of \d+ online/);

  // The simulator starts with the platform: wait for its machines to report and for today's
  // energy to accumulate, reloading rather than sitting out the 30-second refresh.
  await expect(async () => {
    await page.reload();
    await expect(devices).toContainText(/[1-9]\d* of \d+ online/, { timeout: 5000 });
    await expect(page.getByRole('region', { name: 'Current load' })).toContainText(/\d kW/, { timeout: 5000 });
    await expect(page.getByRole('list', { name: 'Top consumers today' })).toBeVisible({ timeout: 5000 });
  }).toPass({ timeout: 120_000, intervals: [3000, 5000, 10_000] });

  const consumers = page.getByRole('list', { name: 'Top consumers today' });
  await expect(consumers.getByRole('listitem').first()).toContainText(/kWh/);
  const names = await consumers.getByRole('link').allTextContents();
  expect(names.some((name) => DEMO_MACHINES.includes(name))).toBe(true);

  await expect(page.getByRole('region', { name: 'Energy today' })).toContainText(/kWh/);
  await expect(page.getByRole('region', { name: 'Peak demand today' })).toContainText(/\d kW/);
  await expect(page.getByRole('img', { name: /Load curve today/ })).toBeVisible();
  // The chart is drawn, not just announced: recharts renders its series as SVG paths.
  await expect(page.getByRole('img', { name: /Load curve today/ }).locator('path.recharts-area-area')).toBeVisible();

  // A consumer leads to its machine, whose KPI cards show live values.
  const first = consumers.getByRole('link').first();
  const machine = (await first.textContent()) ?? '';
  await first.click();
  await expect(page.getByRole('heading', { level: 1, name: machine })).toBeVisible();
  await expect(page.getByRole('article', { name: 'Active power' }).getByTestId('kpi-value')).toContainText('kW');
});
