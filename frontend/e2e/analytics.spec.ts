import { expect, test } from '@playwright/test';
import { apiJson, signInAsAdmin } from './support';

const DEMO_MACHINE = 'Air Compressor 1';

test('an anomaly detection on a demo machine completes and charts its result', async ({ page }) => {
  test.setTimeout(240_000);
  await signInAsAdmin(page);

  // The simulator backfills the demo machines' last day when the platform starts; the
  // detection needs some of it.
  const { data: devices } = await apiJson<{ data: { id: number; name: string }[] }>(page, 'GET', '/devices?q=compressor-1');
  const machine = devices.find((d) => d.name === DEMO_MACHINE);
  expect(machine).toBeTruthy();
  await expect
    .poll(
      async () => {
        const start = new Date(Date.now() - 24 * 3600_000).toISOString();
        const { data } = await apiJson<{ data: { series: { points: [string, number | null][] }[] } }>(
          page,
          'GET',
          `/devices/${machine!.id}/kpis/history?parameters=active_power_kw&start=${encodeURIComponent(start)}&interval=1m&agg=mean`,
        );
        return data.series[0]?.points.filter(([, v]) => v !== null).length ?? 0;
      },
      { timeout: 120_000, intervals: [2000, 5000] },
    )
    .toBeGreaterThan(60);

  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Analytics' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Analytics' })).toBeVisible();
  const form = page.getByRole('form', { name: 'Start an analysis' });
  await form.getByRole('radio', { name: /Anomaly detection/ }).check();
  await form.getByRole('searchbox', { name: 'Filter devices' }).fill(DEMO_MACHINE);
  await form.getByRole('checkbox', { name: new RegExp(DEMO_MACHINE) }).check();
  await form.getByRole('checkbox', { name: /active_power_kw/ }).check();
  await form.getByLabel('Range', { exact: true }).selectOption('24h');
  await form.getByRole('button', { name: 'Start analysis' }).click();

  const newest = page.getByRole('table', { name: 'Analyses' }).getByRole('row').nth(1);
  await expect(newest).toContainText(DEMO_MACHINE);
  await expect(newest).toContainText('Complete', { timeout: 120_000 });
  await newest.getByRole('button', { name: /^Show result of / }).click();

  const chart = page.getByRole('img', { name: /active_power_kw: \d+ anomalous points/ });
  await expect(chart).toBeVisible({ timeout: 30_000 });
  await expect(chart.locator('path.recharts-line-curve')).toBeVisible();
  await expect(page.getByText('Moments analysed')).toBeVisible();
  await expect(page.getByRole('button', { name: /^Download anomalies-\d+\.png$/ })).toBeVisible();

  const downloading = page.waitForEvent('download');
  await page.getByRole('button', { name: /^Download anomalies-\d+\.csv$/ }).click();
  expect((await downloading).suggestedFilename()).toMatch(/\.csv$/);

  await newest.getByRole('button', { name: /^Delete / }).click();
  await page.getByRole('dialog', { name: /^Delete Anomaly detection/ }).getByRole('button', { name: 'Delete' }).click();
  await expect(page.getByRole('heading', { name: /^Result:/ })).toHaveCount(0);
});
