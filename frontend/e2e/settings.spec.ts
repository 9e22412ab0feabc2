import { expect, test } from '@playwright/test';
import { signInAsAdmin } from './support';

test('a super admin sees what the factory stores and shortens its raw retention', async ({ page }) => {
  test.setTimeout(90_000);
  await signInAsAdmin(page);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Factory settings' })).toBeVisible();

  const retention = page.getByRole('form', { name: 'Data retention' });
  await expect(retention.getByLabel('Storage use')).toContainText('Raw points');
  const raw = retention.getByLabel('Raw points (days)');
  const before = await raw.inputValue();
  const next = before === '60' ? '61' : '60';
  await raw.fill(next);
  await retention.getByRole('button', { name: 'Save retention' }).click();
  await expect(retention.getByText(/Retention saved/)).toBeVisible();

  await page.reload();
  await expect(page.getByRole('form', { name: 'Data retention' }).getByLabel('Raw points (days)')).toHaveValue(next);
});
