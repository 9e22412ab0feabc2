import { expect, test } from '@playwright/test';
import { signInAsAdmin } from './support';

test('a test ping reaches the demo webhook receiver and its delivery log says sent', async ({ page }) => {
  test.setTimeout(120_000);
  await signInAsAdmin(page);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Factory settings' })).toBeVisible();

  // The platform runs as make run does: its demo receiver on loopback checks every signature
  // and answers 401 to a wrong one, so "Sent" means the signature held.
  const endpoint = page.getByRole('listitem').filter({ hasText: 'Demo receiver' });
  await expect(endpoint.getByRole('switch', { name: 'Enabled: Demo receiver' })).toHaveAttribute('aria-checked', 'true');
  await endpoint.getByRole('button', { name: 'Send test' }).click();
  const log = endpoint.getByRole('table', { name: 'Deliveries to Demo receiver' });
  await expect(log.getByRole('row').filter({ hasText: 'test' }).first()).toContainText('Sent', { timeout: 60_000 });
});

test('a super admin sets the WhatsApp template variables and they persist', async ({ page }) => {
  test.setTimeout(90_000);
  await signInAsAdmin(page);
  await page.goto('/settings');
  const form = page.getByRole('form', { name: 'WhatsApp templates' });
  await expect(form.getByLabel('Meta template name').first()).toHaveValue('factory_alert');
  const variables = form.getByLabel(/Variables/).first();
  const next = (await variables.inputValue()) === 'severity, title, link' ? 'title, device, link' : 'severity, title, link';
  await variables.fill(next);
  await form.getByRole('button', { name: 'Save templates' }).click();
  await expect(form.getByText('Templates saved.')).toBeVisible();
  await variables.fill('severity, password');
  await form.getByRole('button', { name: 'Save templates' }).click();
  await expect(form.getByText('Not an alert fact: password.')).toBeVisible();

  await page.reload();
  await expect(page.getByRole('form', { name: 'WhatsApp templates' }).getByLabel(/Variables/).first()).toHaveValue(next);
  await expect(page.getByText('Meta webhook')).toBeVisible();
});
