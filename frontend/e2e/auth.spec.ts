import { expect, test, type Page } from '@playwright/test';

const FACTORY = 'Demo Factory';
const ADMIN_EMAIL = 'admin@demo.factoryops.io';
const ADMIN_PASSWORD = 'demo-admin-2026';

async function chooseDemoFactory(page: Page) {
  // Starting at the root exercises the redirects a first-time visitor goes through.
  await page.goto('/');
  await expect(page).toHaveURL(/\/select-factory$/);
  await page.getByRole('button', { name: new RegExp(FACTORY) }).click();
  await expect(page).toHaveURL(/\/login$/);
  await expect(page.getByTestId('login-factory')).toHaveText(FACTORY);
}

async function signIn(page: Page, email: string, password: string) {
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

test('a super admin picks the factory, signs in, sees the shell and signs out', async ({ page }) => {
  await chooseDemoFactory(page);
  await signIn(page, ADMIN_EMAIL, ADMIN_PASSWORD);

  await expect(page).toHaveURL(/\/dashboard$/);
  await expect(page.getByRole('heading', { level: 1, name: 'Dashboard' })).toBeVisible();
  const topBar = page.getByRole('banner');
  await expect(topBar.getByText(FACTORY)).toBeVisible();
  await expect(topBar.getByText('Super admin')).toBeVisible();
  await expect(page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Dashboard' })).toBeVisible();

  // A reload keeps the session: it is validated against the server, not lost.
  await page.reload();
  await expect(page.getByRole('heading', { level: 1, name: 'Dashboard' })).toBeVisible();

  await topBar.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/login$/);
  await expect(page.getByRole('button', { name: 'Sign in' })).toBeVisible();
  await expect(page.getByTestId('login-factory')).toHaveText(FACTORY);

  // Signed out means signed out: the dashboard is no longer reachable.
  await page.goto('/dashboard');
  await expect(page).toHaveURL(/\/login$/);
});

test('a wrong password is refused with a clear message', async ({ page }) => {
  await chooseDemoFactory(page);
  await signIn(page, ADMIN_EMAIL, 'not-the-password');

  await expect(page.getByRole('alert')).toHaveText('Incorrect email or password.');
  await expect(page).toHaveURL(/\/login$/);
  await expect(page.getByRole('button', { name: 'Sign in' })).toBeEnabled();
});
