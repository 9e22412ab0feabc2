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

/** The signed-in user's access token, for setting up test data through the API. */
export async function accessToken(page: Page): Promise<string> {
  const token = await page.evaluate(() => {
    const raw = localStorage.getItem('factoryops.auth');
    return raw ? (JSON.parse(raw) as { state?: { token?: string } }).state?.token : undefined;
  });
  if (!token) throw new Error('not signed in');
  return token;
}

/** JSON from the platform's API as the page's signed-in user, failing loudly on an error status. */
export async function apiJson<T>(page: Page, method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<T> {
  const token = await accessToken(page);
  const res = await page.request.fetch(`/api/v1${path}`, {
    method,
    headers: { Authorization: `Bearer ${token}` },
    data: body,
  });
  if (!res.ok()) throw new Error(`${method} ${path} answered ${res.status()}: ${await res.text()}`);
  return (res.status() === 204 ? undefined : await res.json()) as T;
}

export interface CreatedDevice {
  id: number;
  name: string;
  topic: string;
  clientId: string;
  username: string;
  password: string;
}

/** Registers a device through the API and returns what it needs to publish. */
export async function createDevice(page: Page, deviceKey: string, name: string): Promise<CreatedDevice> {
  const { data } = await apiJson<{
    data: { device: { id: number; name: string }; credentials: { topic: string; client_id: string; username: string; password: string } };
  }>(page, 'POST', '/devices', { device_key: deviceKey, name, type: 'press', area: 'Stamping' });
  return {
    id: data.device.id,
    name: data.device.name,
    topic: data.credentials.topic,
    clientId: data.credentials.client_id,
    username: data.credentials.username,
    password: data.credentials.password,
  };
}
