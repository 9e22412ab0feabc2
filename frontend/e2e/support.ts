import { expect, type Page } from '@playwright/test';

export const FACTORY = 'Demo Factory';
export const ADMIN_EMAIL = 'admin@demo.factoryops.io';
export const ADMIN_PASSWORD = 'demo-admin-2026';

/** Picks the demo factory and signs in as its super admin; ends on the dashboard. */
export async function signInAsAdmin(page: Page) {
  await page.goto('/select-factory');
  await page.getByRole('button', { name: new RegExp(FACTORY) }).click();
  await expect(page).toHaveURL(/\/login$/);
  await page.getByLabel('Email').fill(ADMIN_EMAIL);
  await page.getByLabel('Password').fill(ADMIN_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
}

/**
 * The broker the platform under test listens on: scripts/e2e.sh exports E2E_MQTT_URL; the
 * test-service variables are the fallback when the specs run against `make services` directly.
 */
export function mqttUrl(): string {
  if (process.env.E2E_MQTT_URL) return process.env.E2E_MQTT_URL;
  const host = process.env.TEST_MQTT_HOST ?? '127.0.0.1';
  const port = process.env.TEST_MQTT_PORT ?? '1893';
  return `mqtt://${host}:${port}`;
}
