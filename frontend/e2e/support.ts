import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

export interface ReceivedEmail {
  to: string[];
  subject: string;
  text: string;
  link: string;
}

/**
 * The newest email to `address` that links to `page`, as the platform's SMTP server under
 * test received it: scripts/e2e.sh runs a real SMTP server that files each message as JSON
 * in E2E_MAIL_DIR.
 */
export async function waitForEmail(address: string, page: string, timeout = 30_000): Promise<ReceivedEmail> {
  const folder = process.env.E2E_MAIL_DIR;
  if (!folder) throw new Error('E2E_MAIL_DIR is not set: run the browser tests through scripts/e2e.sh');
  const pattern = new RegExp(`https?://\\S+/${page}\\?\\S+`);
  let found: ReceivedEmail | undefined;
  await expect
    .poll(
      () => {
        const names = readdirSync(folder).filter((n) => n.endsWith('.json')).sort().reverse();
        for (const name of names) {
          const mail = JSON.parse(readFileSync(join(folder, name), 'utf8')) as Omit<ReceivedEmail, 'link'>;
          const link = pattern.exec(mail.text)?.[0];
          if (mail.to.includes(address) && link) {
            found = { ...mail, link };
            return true;
          }
        }
        return false;
      },
      { timeout, message: `an email to ${address} linking to /${page}` },
    )
    .toBe(true);
  return found as ReceivedEmail;
}

/** A running `factoryops-simulator` process; `stop` ends it and waits for it to exit. */
export interface Simulator {
  stop: () => Promise<void>;
  output: () => string;
}

/**
 * Runs the platform's device simulator as `device`, with its own broker credentials,
 * publishing every second. `extraArgs` pass simulator options such as forced anomalies.
 * A state file keeps the energy counter rising across restarts of the same machine.
 */
export function startSimulator(device: CreatedDevice, extraArgs: string[] = [], stateDir?: string): Simulator {
  const program = process.env.E2E_SIMULATOR;
  if (!program) throw new Error('E2E_SIMULATOR is not set: run the browser tests through scripts/e2e.sh');
  const [, factory, , deviceKey] = device.topic.split('/');
  const broker = new URL(mqttUrl());
  const folder = stateDir ?? mkdtempSync(join(tmpdir(), 'factoryops-sim-'));
  const child = spawn(
    program,
    [
      '--host', broker.hostname, '--port', broker.port || '1883',
      '--factory', factory, '--keys', deviceKey,
      '--client-id', device.clientId, '--username', device.username, '--password', device.password,
      '--interval', '1', '--state-file', join(folder, 'state.json'),
      ...extraArgs,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    output: () => output,
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
