import { readFile } from 'node:fs/promises';
import { expect, test, type Page } from '@playwright/test';
import { signInAsAdmin } from './support';

// A report is queued, rendered by the reporting worker and stored before it can be downloaded.
const REPORT_TIMEOUT = 90_000;

async function generateAndDownload(page: Page, format: 'PDF' | 'Excel'): Promise<Buffer> {
  const form = page.getByRole('form', { name: 'Generate a report' });
  await form.getByLabel('Report').selectOption('energy_summary');
  await form.getByText(format, { exact: true }).click();
  await form.getByLabel('Period').selectOption('last7');
  await form.getByRole('button', { name: 'Generate report' }).click();
  await expect(form.getByText(/The report is being generated/)).toBeVisible();

  const newest = page.getByRole('table', { name: 'Reports' }).getByRole('row').nth(1);
  await expect(newest).toContainText(format);
  await expect(newest).toContainText('Complete', { timeout: REPORT_TIMEOUT });
  const downloading = page.waitForEvent('download');
  await newest.getByRole('button', { name: /^Download / }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toMatch(format === 'PDF' ? /\.pdf$/ : /\.xlsx$/);
  return readFile(await download.path());
}

test('a report is requested in the UI and downloaded as PDF and as Excel', async ({ page }) => {
  test.setTimeout(240_000);
  await signInAsAdmin(page);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Reports' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Reports' })).toBeVisible();

  const pdf = await generateAndDownload(page, 'PDF');
  expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');

  const xlsx = await generateAndDownload(page, 'Excel');
  // An .xlsx file is a ZIP archive.
  expect([...xlsx.subarray(0, 4)]).toEqual([0x50, 0x4b, 0x03, 0x04]);
});

test('a weekly schedule is created, shows its next run and is deleted', async ({ page }) => {
  await signInAsAdmin(page);
  await page.goto('/reports');
  const name = `E2E weekly ${Date.now().toString(36)}`;
  await page.getByRole('button', { name: 'New schedule' }).click();
  const dialog = page.getByRole('dialog', { name: 'New report schedule' });
  await dialog.getByLabel(/^Name/).fill(name);
  await dialog.getByLabel('Cadence').selectOption('weekly');
  await dialog.getByLabel('Recipients').fill('plant-manager@demo.factoryops.io');
  await dialog.getByRole('button', { name: 'Create schedule' }).click();
  await expect(dialog).toBeHidden();

  const row = page.getByRole('table', { name: 'Report schedules' }).getByRole('row', { name: new RegExp(name) });
  // Sent at 06:00 on the factory's clock (Europe/Berlin for the demo factory).
  await expect(row).toContainText(/06:00/);
  await expect(row).toContainText('weekly');
  await row.getByRole('button', { name: `Delete schedule ${name}` }).click();
  await page.getByRole('dialog', { name: `Delete schedule ${name}?` }).getByRole('button', { name: 'Delete schedule' }).click();
  await expect(row).toHaveCount(0);
});
