import { expect, test } from '@playwright/test';
import { connectAsync, type MqttClient } from 'mqtt';
import { apiJson, createDevice, mqttUrl, signInAsAdmin } from './support';

// Ingest, rule evaluation and the 15-second alert refresh sit between publishing and seeing
// an alert; each step gets time for them, not a fixed sleep.
const PIPELINE_TIMEOUT = 60_000;

function openCount(label: string | null): number {
  const match = /Alerts: (\d+) open/.exec(label ?? '');
  return match ? Number(match[1]) : 0;
}

test('a rule built in the UI raises an alert from MQTT telemetry, which is acknowledged', async ({ page }) => {
  test.setTimeout(240_000);
  const suffix = Date.now().toString(36);
  const ruleName = `E2E overload ${suffix}`;

  await signInAsAdmin(page);
  const device = await createDevice(page, `e2e-rule-press-${suffix}`, `E2E Rule Press ${suffix}`);

  let client: MqttClient | null = null;
  let publisher: ReturnType<typeof setInterval> | null = null;
  try {
    client = await connectAsync(mqttUrl(), {
      clientId: device.clientId,
      username: device.username,
      password: device.password,
      clean: true,
      reconnectPeriod: 0,
      connectTimeout: 10_000,
    });
    const connected = client;
    let power = 20;
    const publish = () => connected.publishAsync(device.topic, JSON.stringify({ metrics: { power_kw: power } }), { qos: 1 });
    await publish();
    publisher = setInterval(() => void publish().catch(() => undefined), 2000);

    // The rule may only read a parameter the device has reported (else 422 UNKNOWN_PARAMETER).
    await expect
      .poll(
        async () =>
          (await apiJson<{ data: { parameter_key: string }[] }>(page, 'GET', `/devices/${device.id}/parameters`)).data.map(
            (p) => p.parameter_key,
          ),
        { timeout: PIPELINE_TIMEOUT },
      )
      .toContain('power_kw');

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
    await condition.getByRole('combobox', { name: 'Parameter' }).fill('power_kw');
    await condition.getByLabel('Operator').selectOption('>');
    await condition.getByRole('textbox', { name: /^Value/ }).fill('100');
    await page.getByLabel('Cooldown (minutes)').fill('0');

    // The dry run reads the device's current value: 20 kW, below the limit.
    await page.getByRole('button', { name: 'Test against live values' }).click();
    const results = page.getByRole('table', { name: 'Test against live values' });
    await expect(results.getByRole('row', { name: new RegExp(device.name) })).toContainText('Not matched');
    await expect(results.getByRole('row', { name: new RegExp(device.name) })).toContainText('power_kw = 20');

    await page.getByRole('button', { name: 'Create rule' }).click();
    await expect(page).toHaveURL(/\/rules$/);
    const row = page.getByRole('row', { name: new RegExp(ruleName) });
    await expect(row).toContainText(device.name);
    await expect(row).toContainText('Critical');
    await expect(row.getByRole('switch', { name: `Active: ${ruleName}` })).toHaveAttribute('aria-checked', 'true');

    // --- trigger it over MQTT and watch the badge go up ------------------------------------
    const bell = page.getByRole('banner').getByRole('link', { name: /^Alerts/ });
    await expect(bell).toHaveAttribute('aria-label', /Alerts: \d+ open/);
    const before = openCount(await bell.getAttribute('aria-label'));
    power = 150;
    await publish();
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
    await expect(details.getByRole('table', { name: 'Values when triggered' })).toContainText('150');
    await expect(details).toContainText(/Acknowledged.*by you/);
    await details.getByRole('button', { name: 'Close' }).click();
  } finally {
    if (publisher) clearInterval(publisher);
    await client?.endAsync().catch(() => undefined);
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
