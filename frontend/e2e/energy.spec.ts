import { expect, test } from '@playwright/test';
import { signInAsAdmin } from './support';

/** `YYYY-MM-DD` on the demo factory's clock. */
function berlinDay(offsetDays: number): string {
  const moment = new Date(Date.now() + offsetDays * 86_400_000);
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Berlin', year: 'numeric', month: '2-digit', day: '2-digit' }).format(moment);
}

test('a manager builds a tree, defines a virtual meter, sets a baseline and reads savings on the Energy page', async ({ page }) => {
  test.setTimeout(300_000);
  const hall = `Hall ${Date.now().toString(36)}`;
  await signInAsAdmin(page);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Assets' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Assets' })).toBeVisible();

  // A site with a line under it, and the simulated press on the line.
  await page.getByRole('button', { name: 'Add site' }).click();
  let dialog = page.getByRole('dialog', { name: 'Add a site' });
  await dialog.getByLabel('Name').fill(hall);
  await dialog.getByRole('button', { name: 'Add node' }).click();
  await expect(page.getByRole('heading', { name: hall })).toBeVisible();

  await page.getByRole('button', { name: 'Add child' }).click();
  dialog = page.getByRole('dialog', { name: `Add a node under ${hall}` });
  await dialog.getByLabel('Name').fill('Press line');
  await dialog.getByLabel('Kind').selectOption('line');
  await dialog.getByLabel('Production unit').fill('parts');
  await dialog.getByRole('button', { name: 'Add node' }).click();
  await expect(page.getByRole('heading', { name: 'Press line' })).toBeVisible();

  await page.getByRole('button', { name: 'Attach devices' }).click();
  await page.getByRole('checkbox', { name: /^Press Line 2/ }).check();
  await page.getByRole('button', { name: 'Save devices' }).click();
  await expect(page.getByRole('list', { name: 'Devices of Press line' })).toContainText('Press Line 2');

  // The hall's unmetered energy: its main meter minus the press.
  await page.getByRole('list', { name: 'Asset tree' }).getByRole('button', { name: new RegExp(`^${hall}`) }).click();
  await expect(page.getByRole('heading', { name: hall })).toBeVisible();
  await page.getByRole('button', { name: 'New virtual meter' }).click();
  dialog = page.getByRole('dialog', { name: 'New virtual meter' });
  await dialog.getByLabel('Name').fill(`${hall} unmetered`);
  await dialog.getByLabel('Term 1 device').selectOption({ label: 'Main incomer' });
  await dialog.getByRole('button', { name: 'Add term' }).click();
  await dialog.getByLabel('Term 2 device').selectOption({ label: 'Press Line 2' });
  await dialog.getByRole('button', { name: 'Create meter' }).click();
  await expect(page.getByRole('table', { name: 'Virtual meters' })).toContainText('Main incomer − Press Line 2');

  // A baseline of the line over the simulator's hours: fitted as soon as they are in.
  await page.getByRole('list', { name: `Below ${hall}` }).getByRole('button', { name: /^Press line/ }).click();
  await expect(page.getByRole('heading', { name: 'Press line' })).toBeVisible();
  await page.getByRole('button', { name: 'Set a baseline' }).click();
  dialog = page.getByRole('dialog', { name: 'New baseline' });
  await dialog.getByLabel('Name').fill('Press line, first days');
  await dialog.getByLabel('First day').fill(berlinDay(-1));
  await dialog.getByLabel('Last day').fill(berlinDay(0));
  await dialog.getByLabel('Regression points').selectOption('hour');
  await expect(async () => {
    await dialog.getByRole('button', { name: 'Fit baseline' }).click();
    await expect(dialog).toBeHidden({ timeout: 5000 });
  }).toPass({ timeout: 180_000, intervals: [5000, 10_000] });
  const baselines = page.getByRole('table', { name: 'Baselines of Press line' });
  await expect(baselines).toContainText(/E = [\d.,-]+ \+ [\d.,]+ × production/);

  // Savings against it on the Energy page, scoped to the line.
  await baselines.getByRole('link', { name: 'Savings' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Energy' })).toBeVisible();
  await expect(page.getByLabel('Scope')).toHaveValue(/\d+/);
  await expect(page.getByText(/^R² [\d.]+ · intercept/)).toBeVisible({ timeout: 30_000 });
  const savings = page.locator('dl div', { has: page.locator('dt', { hasText: /^Savings$/ }) });
  await expect(savings).toContainText(/-?[\d.,]+ kWh/, { timeout: 30_000 });
  await expect(page.locator('dl div', { has: page.locator('dt', { hasText: /^EnPI$/ }) })).toContainText('kWh/unit');
  await expect(page.getByText('CUSUM (actual − expected)')).toBeVisible();

  // The virtual meter counts toward the hall like a device.
  await page.getByLabel('Scope').selectOption({ label: hall });
  await page.getByRole('tab', { name: 'Meters' }).click();
  await expect(page.getByRole('table', { name: 'Energy meters' })).toContainText(`${hall} unmetered`);
});
