import { expect, test } from '@playwright/test';
import { signInAsAdmin, waitForEmail } from './support';

test('an invited operator sets a password, signs in and sees only what they may do', async ({ page, browser }) => {
  test.setTimeout(120_000);
  const suffix = Date.now().toString(36);
  const email = `e2e-operator-${suffix}@demo.factoryops.io`;
  const name = `E2E Operator ${suffix}`;

  await signInAsAdmin(page);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Users' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Users' })).toBeVisible();

  await page.getByRole('button', { name: 'Invite user' }).click();
  const form = page.getByRole('dialog', { name: 'Invite user' });
  await form.getByLabel(/^Email/).fill(email);
  await form.getByLabel('Role').selectOption('user');
  await form.getByRole('checkbox', { name: 'Acknowledge alerts' }).check();
  await form.getByRole('button', { name: 'Send invitation' }).click();
  // The platform under test sends email to a real SMTP server; the invitee's link arrives there.
  const sent = page.getByRole('dialog', { name: 'Invitation sent' });
  await expect(sent).toContainText(`${email} receives an email`);
  await sent.getByRole('button', { name: 'Done' }).click();
  const invitation = await waitForEmail(email, 'accept-invite');
  const link = invitation.link;
  expect(link).toMatch(/\/accept-invite\?factory=[^&]+&token=[\w-]+$/);

  const row = page.getByRole('row', { name: new RegExp(email) });
  await expect(row).toContainText('Invited');
  await expect(row).toContainText('Acknowledge alerts');

  // --- the invitee, in a browser of their own ----------------------------------------------
  const invitee = await browser.newContext();
  const theirs = await invitee.newPage();
  try {
    const target = new URL(link);
    await theirs.goto(`${target.pathname}${target.search}`);
    await expect(theirs.getByRole('heading', { name: 'Welcome to FactoryOps' })).toBeVisible();
    await theirs.getByLabel('Your name').fill(name);

    // The server's password policy answers rule by rule.
    await theirs.getByLabel(/^Password\*?$/).fill('operator');
    await theirs.getByLabel(/^Repeat the password/).fill('operator');
    await theirs.getByRole('button', { name: 'Set password and sign in' }).click();
    const problems = theirs.getByRole('list', { name: 'Password problems' });
    await expect(problems).toContainText('Use at least 10 characters.');
    await expect(problems).toContainText('Add a digit or a symbol');

    await theirs.getByLabel(/^Password\*?$/).fill('kiln-7-glow-Orbit');
    await theirs.getByLabel(/^Repeat the password/).fill('kiln-7-glow-Orbit');
    await theirs.getByRole('button', { name: 'Set password and sign in' }).click();
    await expect(theirs).toHaveURL(/\/dashboard$/);
    await expect(theirs.getByRole('banner')).toContainText(name);
    await expect(theirs.getByRole('banner').getByText('User', { exact: true })).toBeVisible();

    // --- what they may not do is not offered ------------------------------------------------
    const nav = theirs.getByRole('navigation', { name: 'Main' });
    await expect(nav.getByRole('link', { name: 'Alerts' })).toBeVisible();
    for (const hidden of ['Users', 'Audit log', 'Settings']) {
      await expect(nav.getByRole('link', { name: hidden })).toHaveCount(0);
    }
    await nav.getByRole('link', { name: 'Machines' }).click();
    await expect(theirs.getByRole('heading', { level: 1, name: 'Machines' })).toBeVisible();
    await expect(theirs.getByRole('table', { name: 'Machines' })).toBeVisible();
    await expect(theirs.getByRole('button', { name: 'Add device' })).toHaveCount(0);

    await nav.getByRole('link', { name: 'Rules' }).click();
    await expect(theirs.getByRole('heading', { level: 1, name: 'Rules' })).toBeVisible();
    await expect(theirs.getByRole('link', { name: 'New rule' })).toHaveCount(0);
    await expect(theirs.getByRole('switch')).toHaveCount(0);
    await theirs.goto('/rules/new');
    await expect(theirs.getByText('Creating rules needs the “manage rules” permission.')).toBeVisible();
    await expect(theirs.getByRole('button', { name: 'Create rule' })).toHaveCount(0);

    // A super-admin page by address sends them back to the dashboard.
    await theirs.goto('/users');
    await expect(theirs).toHaveURL(/\/dashboard$/);

    // The link worked once.
    await theirs.goto(`${target.pathname}${target.search}`);
    await theirs.getByLabel(/^Password\*?$/).fill('kiln-7-glow-Orbit');
    await theirs.getByLabel(/^Repeat the password/).fill('kiln-7-glow-Orbit');
    await theirs.getByRole('button', { name: 'Set password and sign in' }).click();
    await expect(theirs.getByRole('alert')).toContainText('not valid or has already been used');
  } finally {
    await invitee.close();
  }

  // --- back with the admin: the account is active, and can be deactivated ------------------
  await page.reload();
  await expect(row).toContainText('Active');
  await expect(row).toContainText(name);
  await row.getByRole('button', { name: `Deactivate ${name}` }).click();
  await page.getByRole('dialog', { name: `Deactivate ${name}?` }).getByRole('button', { name: 'Deactivate' }).click();
  await expect(row).toContainText('Deactivated');
});
