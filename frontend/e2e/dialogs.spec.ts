import { expect, test } from '@playwright/test';
import { signInAsAdmin } from './support';

test('a dialog is modal: the page behind takes no focus or clicks, Escape closes, focus returns', async ({ page }) => {
  await signInAsAdmin(page);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Machines' }).click();
  const opener = page.getByRole('button', { name: 'Add device' }).first();
  await opener.click();

  const dialog = page.getByRole('dialog', { name: 'Add device' });
  await expect(dialog).toBeVisible();
  expect(await dialog.evaluate((element) => element.tagName === 'DIALOG' && element.matches(':modal'))).toBe(true);
  await expect(dialog.getByLabel('Device key')).toBeFocused();

  // Tab never reaches the page behind (it may leave for the browser's own controls).
  for (let step = 0; step < 25; step += 1) {
    await page.keyboard.press('Tab');
    const outside = await page.evaluate(() => {
      const active = document.activeElement;
      return active && active !== document.body && !active.closest('dialog') ? active.outerHTML.slice(0, 80) : null;
    });
    expect(outside).toBeNull();
  }

  // What lies under the navigation is the dialog's backdrop, not the link.
  const link = page.locator('nav a[href="/dashboard"]');
  const box = await link.boundingBox();
  if (!box) throw new Error('navigation link not laid out');
  const hit = await page.evaluate(
    ({ x, y }) => document.elementFromPoint(x, y)?.tagName,
    { x: box.x + box.width / 2, y: box.y + box.height / 2 },
  );
  expect(hit).toBe('DIALOG');

  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  await expect(opener).toBeFocused();
  await expect(page).toHaveURL(/\/machines$/);
});
