import { expect, test } from '@playwright/test';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { apiJson, createDevice, signInAsAdmin, startSimulator, type Simulator } from './support';

// scripts/e2e.sh runs the rule engine's clock and the notification sweep every 2 s.
const PIPELINE_TIMEOUT = 60_000;

/** Emails the platform's SMTP server received for `address` (scripts/mail_sink.py). */
function emailsTo(address: string): number {
  const folder = process.env.E2E_MAIL_DIR;
  if (!folder) throw new Error('E2E_MAIL_DIR is not set: run the browser tests through scripts/e2e.sh');
  let count = 0;
  for (const name of readdirSync(folder).filter((n) => n.endsWith('.json'))) {
    try {
      const mail = JSON.parse(readFileSync(join(folder, name), 'utf8')) as { to: string[] };
      if (mail.to.includes(address)) count += 1;
    } catch {
      // A message still being written; the next poll reads it.
    }
  }
  return count;
}

test('a stopped machine raises a silent-device alarm without reloading, and acknowledging stops the reminders', async ({ page }) => {
  test.setTimeout(240_000);
  const suffix = Date.now().toString(36);
  const ruleName = `E2E silent ${suffix}`;
  const operator = `e2e-silent-${suffix}@plant.example`;

  await signInAsAdmin(page);
  const device = await createDevice(page, `e2e-silent-${suffix}`, `E2E Silent Press ${suffix}`);
  let simulator: Simulator | null = startSimulator(device, ['--anomaly-probability', '0']);
  try {
    await expect
      .poll(async () => (await apiJson<{ data: unknown[] }>(page, 'GET', `/devices/${device.id}/parameters`)).data.length, {
        timeout: PIPELINE_TIMEOUT,
        message: `simulated parameters; simulator said: ${simulator?.output()}`,
      })
      .toBeGreaterThan(0);
    // Silent for 6 s, with a reminder every 4 s while nobody acknowledges.
    const rule = await apiJson<{ data: { id: number } }>(page, 'POST', '/rules', {
      name: ruleName,
      scope: { kind: 'devices', device_ids: [device.id] },
      condition: { silent_for_seconds: 6 },
      severity: 'critical',
      cooldown_minutes: 0,
      channels: ['email'],
      recipients: { emails: [operator] },
      escalation: { repeat_seconds: 4 },
    });

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Alerts' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Alerts' })).toBeVisible();
    const alertRow = page.getByRole('table', { name: 'Alerts' }).getByRole('row', { name: new RegExp(ruleName) });
    await expect(alertRow).toHaveCount(0);

    // --- the machine stops; the alarm arrives on the open page ------------------------------
    await simulator.stop();
    simulator = null;
    const stoppedAt = Date.now();
    await expect(alertRow).toBeVisible({ timeout: PIPELINE_TIMEOUT });
    await expect(alertRow).toContainText('Open');
    // Raised once the threshold has passed, within one clock interval (2 s) after it: the
    // last reading left at most a second (the simulator's interval) before the stop.
    const { data: raised } = await apiJson<{ data: { triggered_at: string }[] }>(page, 'GET', `/alerts?rule_id=${rule.data.id}`);
    expect(raised).toHaveLength(1);
    const afterStop = (Date.parse(raised[0]?.triggered_at ?? '') - stoppedAt) / 1000;
    expect(afterStop).toBeGreaterThanOrEqual(6 - 1.5);
    expect(afterStop).toBeLessThanOrEqual(6 + 2 + 2);

    // The first notification, then at least one reminder.
    await expect.poll(() => emailsTo(operator), { timeout: PIPELINE_TIMEOUT, message: 'reminders' }).toBeGreaterThanOrEqual(2);

    // --- acknowledged: no more reminders ----------------------------------------------------
    await alertRow.getByRole('button', { name: /^Acknowledge / }).click();
    await expect(alertRow).toContainText('Acknowledged');
    await page.waitForTimeout(3000); // a reminder already on its way lands now
    const settled = emailsTo(operator);
    await page.waitForTimeout(12_000); // three reminder periods
    expect(emailsTo(operator)).toBe(settled);

    // The details show the timeline and each notification.
    await alertRow.getByRole('button', { name: new RegExp(`^${ruleName} on `) }).click();
    const details = page.getByRole('dialog');
    const timeline = details.getByRole('list', { name: 'Alert timeline' });
    await expect(timeline).toContainText('Raised');
    await expect(timeline).toContainText('Escalation round 1');
    await expect(timeline).toContainText('Acknowledged by');
    await expect(details.getByRole('table', { name: 'Notifications per recipient' })).toContainText(operator);
    await details.getByRole('button', { name: 'Close' }).click();

    // --- the machine reports again: the alarm resolves --------------------------------------
    simulator = startSimulator(device, ['--anomaly-probability', '0']);
    await expect
      .poll(
        async () =>
          (await apiJson<{ data: { status: string }[] }>(page, 'GET', `/alerts?rule_id=${rule.data.id}&status=resolved`)).data.length,
        { timeout: PIPELINE_TIMEOUT, message: 'the alarm resolves' },
      )
      .toBe(1);
  } finally {
    await simulator?.stop();
  }
  await apiJson(page, 'DELETE', `/devices/${device.id}`);
});
