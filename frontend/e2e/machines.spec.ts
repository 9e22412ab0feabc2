import { expect, test } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { connectAsync, type MqttClient } from 'mqtt';
import { apiJson, mqttUrl, signInAsAdmin } from './support';

// Ingest, discovery and the device page's refresh intervals all sit between publishing and
// seeing a value; each step gets time for them, not a fixed sleep.
const INGEST_TIMEOUT = 45_000;

test('a device added in the UI comes online when it publishes, and its KPIs show', async ({ page }) => {
  test.setTimeout(180_000);
  const suffix = Date.now().toString(36);
  const deviceKey = `e2e-press-${suffix}`;
  const deviceName = `E2E Press ${suffix}`;

  await signInAsAdmin(page);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Machines' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Machines' })).toBeVisible();

  // --- add the device and read its one-time credentials --------------------------------
  await page.getByRole('button', { name: 'Add device' }).first().click();
  const form = page.getByRole('dialog', { name: 'Add device' });
  await form.getByLabel('Device key').fill('hall/press');
  await form.getByRole('button', { name: 'Add device' }).click();
  await expect(form.getByLabel('Device key')).toHaveAccessibleDescription(/must not contain \/, \+ or #/);
  await form.getByLabel('Device key').fill(deviceKey);
  await form.getByRole('textbox', { name: 'Name', exact: true }).fill(deviceName);
  await form.getByLabel('Type').fill('press');
  await form.getByLabel('Area').fill('Stamping');
  await form.getByRole('button', { name: 'Add device' }).click();

  const shown = page.getByRole('dialog', { name: `Device “${deviceName}” added` });
  await expect(shown).toBeVisible();
  await expect(shown.getByRole('alert')).toContainText('This token will not be shown again');
  const topic = await shown.getByRole('textbox', { name: 'Topic', exact: true }).inputValue();
  const clientId = await shown.getByRole('textbox', { name: 'Client ID', exact: true }).inputValue();
  const username = await shown.getByRole('textbox', { name: 'Username', exact: true }).inputValue();
  const password = await shown.getByRole('textbox', { name: 'Password (device token)', exact: true }).inputValue();
  expect(topic).toBe(`factories/demo/devices/${deviceKey}/telemetry`);
  expect(password.length).toBeGreaterThan(16);
  await expect(shown.getByRole('textbox', { name: /mosquitto_pub/ })).toHaveValue(new RegExp(`mosquitto_pub .*${deviceKey}`));
  await shown.getByRole('button', { name: 'Done, I saved the token' }).click();
  await expect(shown).toBeHidden();
  await expect(page.getByText(password)).toHaveCount(0);

  // --- publish as the device would --------------------------------------------------------
  let client: MqttClient | null = null;
  let publisher: ReturnType<typeof setInterval> | null = null;
  try {
    client = await connectAsync(mqttUrl(), {
      clientId,
      username,
      password,
      clean: true,
      reconnectPeriod: 0,
      connectTimeout: 10_000,
    });
    const connected = client;
    const publish = () =>
      connected.publishAsync(topic, JSON.stringify({ metrics: { power_kw: 12.5, voltage_l1: 231.2 } }), { qos: 1 });
    await publish();
    // Keep reporting like a meter, so the device stays online and its values fresh.
    publisher = setInterval(() => void publish().catch(() => undefined), 2000);

    // --- the device comes online with its discovered parameters ------------------------
    await page.getByRole('searchbox', { name: 'Search' }).fill(deviceKey);
    const row = page.getByRole('row', { name: new RegExp(deviceName) });
    await expect(row).toHaveCount(1);
    await expect(row).toContainText('Active');
    await row.getByRole('link', { name: deviceName }).click();

    await expect(page.getByRole('heading', { level: 1, name: deviceName })).toBeVisible();
    await expect(page.getByText('Online', { exact: true })).toBeVisible({ timeout: INGEST_TIMEOUT });
    const kpiBox = page.getByLabel('KPI card for power_kw');
    await expect(kpiBox).toBeVisible({ timeout: INGEST_TIMEOUT });
    await expect(page.getByLabel('KPI card for voltage_l1')).toBeVisible();
    await expect(page.getByRole('table', { name: 'Parameters' }).getByRole('row', { name: /power_kw/ })).toContainText('12.5');
    await expect(page.getByText('No KPIs selected')).toBeVisible();
    await expect(page.getByText(/Assign the energy counter or active power role to a parameter to see energy/)).toBeVisible();

    // --- select KPIs and see their cards ------------------------------------------------
    await page.getByLabel('Display name for power_kw').fill('Press power');
    await page.getByLabel('Unit for power_kw').fill('kW');
    await kpiBox.check();
    await page.getByLabel('Unit for voltage_l1').fill('V');
    await page.getByLabel('KPI card for voltage_l1').check();
    await page.getByRole('button', { name: 'Save changes' }).click();
    await expect(page.getByText('Saved 2 parameters.')).toBeVisible();

    const powerCard = page.getByRole('article', { name: 'Press power' });
    await expect(powerCard.getByTestId('kpi-value')).toHaveText('12.5kW', { timeout: INGEST_TIMEOUT });
    await expect(powerCard).toContainText(/Updated (just now|\d+ s ago)/);
    await expect(page.getByRole('article', { name: 'voltage_l1' }).getByTestId('kpi-value')).toHaveText('231.2V');
    // The live chart of the selected KPIs fills from the same telemetry.
    await expect(page.getByRole('img', { name: /Last 15 minutes: .*Press power/ })).toBeVisible({ timeout: INGEST_TIMEOUT });
  } finally {
    if (publisher) clearInterval(publisher);
    await client?.endAsync().catch(() => undefined);
  }

  // --- and it can be removed again --------------------------------------------------------
  await page.getByRole('button', { name: 'Delete' }).click();
  await page.getByRole('dialog', { name: `Delete ${deviceName}?` }).getByRole('button', { name: 'Delete device' }).click();
  await expect(page).toHaveURL(/\/machines$/);
  await page.getByRole('searchbox', { name: 'Search' }).fill(deviceKey);
  await expect(page.getByText('No machines match these filters')).toBeVisible();
});

test('devices imported from a CSV file come with credentials that connect', async ({ page }) => {
  test.setTimeout(120_000);
  const suffix = Date.now().toString(36);
  const keys = [1, 2, 3].map((n) => `e2e-import-${suffix}-${n}`);
  const csv = ['device_key,name,type,area', ...keys.map((k, i) => `${k},Imported ${suffix} ${i + 1},press,Stamping`)].join('\n');

  await signInAsAdmin(page);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Machines' }).click();
  await page.getByRole('button', { name: 'Import' }).click();
  const dialog = page.getByRole('dialog', { name: 'Import devices' });
  await dialog.getByLabel('CSV file').setInputFiles({ name: 'plant.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
  const downloading = page.waitForEvent('download');
  await dialog.getByRole('button', { name: 'Import' }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toBe('device-credentials.csv');
  await expect(page.getByText(/3 created, 0 updated/)).toBeVisible();

  // The credentials file, as an integrator would read it, connects the first device.
  const path = await download.path();
  const [header, ...lines] = readFileSync(path, 'utf8').trim().split(/\r?\n/);
  const columns = (header ?? '').split(',');
  const rows = lines.map((line) => Object.fromEntries(line.split(',').map((v, i) => [columns[i], v])));
  expect(rows.map((r) => r.device_key)).toEqual(keys);
  const first = rows[0] ?? {};
  const client = await connectAsync(mqttUrl(), {
    clientId: first.client_id,
    username: first.username,
    password: first.password,
    clean: true,
    reconnectPeriod: 0,
    connectTimeout: 10_000,
  });
  try {
    await client.publishAsync(first.topic ?? '', JSON.stringify({ metrics: { power_kw: 3.5 } }), { qos: 1 });
  } finally {
    await client.endAsync();
  }
  await page.getByRole('searchbox', { name: 'Search' }).fill(`e2e-import-${suffix}`);
  await expect(page.getByRole('row', { name: new RegExp(`Imported ${suffix}`) })).toHaveCount(3);
  await expect
    .poll(
      async () => {
        const { data } = await apiJson<{ data: { device_key: string; last_seen_at: string | null }[] }>(page, 'GET', `/devices?q=${keys[0]}`);
        return data.find((d) => d.device_key === keys[0])?.last_seen_at ?? null;
      },
      { timeout: INGEST_TIMEOUT, message: 'the imported device is seen' },
    )
    .not.toBeNull();
});
