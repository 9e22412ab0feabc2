import { expect, test } from '@playwright/test';
import { signInAsAdmin } from './support';

test('a super admin issues an API key, a program uses it, and revoking it locks the program out', async ({ page }) => {
  const name = `E2E MES ${Date.now().toString(36)}`;
  await signInAsAdmin(page);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'API keys' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'API keys' })).toBeVisible();

  await page.getByRole('button', { name: 'Create API key' }).first().click();
  const form = page.getByRole('dialog', { name: 'Create API key' });
  await form.getByLabel(/^Name/).fill(name);
  await form.getByRole('checkbox', { name: 'Acknowledge alerts' }).check();
  await form.getByRole('button', { name: 'Create key' }).click();

  const shown = page.getByRole('dialog', { name: 'API key created' });
  const key = await shown.getByRole('textbox', { name: 'API key' }).inputValue();
  expect(key).toMatch(/^fo_live_[0-9A-Za-z]{38}$/);
  await shown.getByRole('button', { name: 'Done' }).click();

  // The program: no browser session, only the key.
  const asProgram = { headers: { 'X-API-Key': key } };
  const devices = await page.request.get('/api/v1/devices', asProgram);
  expect(devices.status()).toBe(200);

  const row = page.getByRole('row', { name: new RegExp(name) });
  await expect(row).toContainText('Acknowledge alerts');
  await expect(row).toContainText('Active');

  await page.getByRole('button', { name: `Revoke ${name}` }).click();
  await page.getByRole('dialog', { name: `Revoke ${name}?` }).getByRole('button', { name: 'Revoke' }).click();
  await expect(page.getByRole('row', { name: new RegExp(name) })).toContainText('Revoked');
  const refused = await page.request.get('/api/v1/devices', asProgram);
  expect(refused.status()).toBe(401);
  expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('API_KEY_REVOKED');
});
