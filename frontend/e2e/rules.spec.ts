import { expect, test } from '@playwright/test';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { apiJson, createDevice, signInAsAdmin, startSimulator, type Simulator } from './support';

// Simulator, ingest, rule evaluation and the 15-second alert refresh sit between publishing and seeing
// an alert; each step gets time for them, not a fixed sleep.
const PIPELINE_TIMEOUT = 60_000;

function openCount(label: string | null): number {
  const match = /Alerts: (\d+) open/.exec(label ?? '');
  return match ? Number(match[1]) : 0;
}

test('a rule built in the UI raises an alert when the simulator sags a machine\'s voltage, and is acknowledged', async ({ page }) => {
  test.setTimeout(240_000);
  const suffix = Date.now().toString(36);
  const ruleName = `E2E voltage sag ${suffix}`;

  await signInAsAdmin(page);
  const device = await createDevice(page, `e2e-rule-press-${suffix}`, `E2E Rule Press ${suffix}`);
  const stateDir = mkdtempSync(join(tmpdir(), 'factoryops-sim-'));

  // The simulator runs the machine as its meter would, with its own broker credentials:
  // healthy first, so the rule is built against real discovered parameters.
  let simulator: Simulator | null = startSimulator(device, ['--anomaly-probability', '0'], stateDir);
  try {
    // The rule may only read a parameter the device has reported (else 422 UNKNOWN_PARAMETER).
    await expect
      .poll(
        async () =>
          (await apiJson<{ data: { parameter_key: string }[] }>(page, 'GET', `/devices/${device.id}/parameters`)).data.map(
            (p) => p.parameter_key,
          ),
        { timeout: PIPELINE_TIMEOUT, message: `simulated parameters; simulator said: ${simulator?.output()}` },
      )
      .toContain('voltage_l1');

    // --- build the rule --------------------------------------------------------------------
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Rules' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Rules' })).toBeVisible();
    await page.getByRole('link', { name: 'New rule' }).first().click();
    await expect(page.getByRole('heading', { level: 1, name: 'New rule' })).toBeVisible();

    await page.getByRole('textbox', { name: 'Name' }).fill(ruleName);
    await page.getByLabel('Severity').selectOption('critical');
    await page.getByRole('radio', { name: /Chosen devices/ }).check();
    await page.getByRole('searchbox', { name: 'Filter devices' }).fill(device.name);
    await page.getByRole('checkbox', { name: new RegExp(device.name) }).check();
    await expect(page.getByRole('list', { name: 'Chosen devices' })).toContainText(device.name);

    const condition = page.getByRole('group', { name: 'Condition 1' });
    await condition.getByRole('combobox', { name: 'Parameter' }).fill('voltage_l1');
    await condition.getByLabel('Operator').selectOption('<');
    await condition.getByRole('textbox', { name: /^Value/ }).fill('215');
    await page.getByLabel('Cooldown (minutes)').fill('0');

    // The dry run reads the device's current value: a healthy ~230 V, above the limit.
    await page.getByRole('button', { name: 'Test against live values' }).click();
    const results = page.getByRole('table', { name: 'Test against live values' });
    await expect(results.getByRole('row', { name: new RegExp(device.name) })).toContainText('Not matched');
    await expect(results.getByRole('row', { name: new RegExp(device.name) })).toContainText(/voltage_l1 = 2[23]\d/);

    await page.getByRole('button', { name: 'Create rule' }).click();
    await expect(page).toHaveURL(/\/rules$/);
    const row = page.getByRole('row', { name: new RegExp(ruleName) });
    await expect(row).toContainText(device.name);
    await expect(row).toContainText('Critical');
    await expect(row.getByRole('switch', { name: `Active: ${ruleName}` })).toHaveAttribute('aria-checked', 'true');

    // --- the simulator sags the voltage; the badge goes up ---------------------------------
    const bell = page.getByRole('banner').getByRole('link', { name: /^Alerts/ });
    await expect(bell).toHaveAttribute('aria-label', /Alerts: \d+ open/);
    const before = openCount(await bell.getAttribute('aria-label'));
    await simulator.stop();
    simulator = startSimulator(device, ['--anomaly-probability', '1', '--anomaly-kinds', 'sag'], stateDir);
    await expect.poll(async () => openCount(await bell.getAttribute('aria-label')), { timeout: PIPELINE_TIMEOUT }).toBeGreaterThan(before);

    // --- acknowledge it in the alerts panel ------------------------------------------------
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Alerts' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Alerts' })).toBeVisible();
    const alertRow = page.getByRole('table', { name: 'Alerts' }).getByRole('row', { name: new RegExp(ruleName) });
    await expect(alertRow).toContainText('Open');
    await expect(alertRow).toContainText('Critical');
    await alertRow.getByRole('button', { name: /^Acknowledge / }).click();
    await expect(alertRow).toContainText('Acknowledged');
    await expect(alertRow).toContainText('by you');

    // Its details show the value that fired it.
    await alertRow.getByRole('button', { name: new RegExp(`^${ruleName} on `) }).click();
    const details = page.getByRole('dialog');
    // A sag takes the nominal 230 V down by about 14 % (shown without decimals when they round away).
    await expect(details.getByRole('table', { name: 'Values when triggered' })).toContainText(/voltage_l1\s*(19|20)\d(\.\d+)?\b/);
    await expect(details).toContainText(/Acknowledged.*by you/);
    await details.getByRole('button', { name: 'Close' }).click();
  } finally {
    await simulator?.stop();
  }

  // --- the rule is deleted with confirmation; its alert stays in the history ---------------
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Rules' }).click();
  await page.getByRole('link', { name: ruleName }).click();
  await page.getByRole('button', { name: 'Delete rule' }).click();
  await page.getByRole('dialog', { name: `Delete ${ruleName}?` }).getByRole('button', { name: 'Delete rule' }).click();
  await expect(page).toHaveURL(/\/rules$/);
  await expect(page.getByRole('link', { name: ruleName })).toHaveCount(0);
  await apiJson(page, 'DELETE', `/devices/${device.id}`);
});
