import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it } from 'vitest';
import FactorySettings from '@/pages/FactorySettings';
import { useAuthStore } from '@/stores/authStore';
import { makeFactory } from '@/test/domainFixtures';
import { makeSession, makeSuperAdmin } from '@/test/fixtures';
import { apiError, mockApi, type MockReply } from '@/test/mockApi';
import { renderAt } from '@/test/render';
import type { Factory, FactoryUpdate } from '@/types/factory';
import type { DataLifecycle, RetentionUpdate } from '@/types/lifecycle';
import type { WhatsAppSetup } from '@/types/notifications';
import type { Shift } from '@/types/production';

const LIFECYCLE: DataLifecycle = {
  retention: {
    raw_days: 90,
    quarter_days: 730,
    hour_days: 3650,
    resolved_alerts_days: 365,
    audit_days: 730,
    finished_jobs_days: 90,
    tokens_days: 30,
  },
  storage: {
    series: 39,
    raw_points: 1_234_567,
    minute_rows: 112_233,
    quarter_rows: 7_500,
    hour_rows: 1_900,
    oldest: '2026-11-01T00:00:00Z',
    measured_at: '2026-12-01T10:00:00Z',
  },
  rollups: { start: '1970-01-01T00:00:00Z', end: '2026-12-01T09:58:00Z', backfilled: true },
};

const WHATSAPP: WhatsAppSetup = {
  provider: 'none',
  fields: ['severity', 'title'],
  meta_callback_url: 'https://ops.example.com/api/v1/callbacks/whatsapp/meta',
  twilio_callback_url: 'https://ops.example.com/api/v1/callbacks/whatsapp/twilio',
  callbacks_verified: false,
  templates: [],
};

const SHIFTS: Shift[] = [{ id: 3, name: 'Night', start: '22:00', end: '06:00', days: [0, 1, 2, 3, 4], hours: 8, crosses_midnight: true }];

function setup(factory: Factory = makeFactory(), patchReply?: MockReply) {
  const mock = mockApi();
  mock.on('get', '/factories/current', { status: 200, data: { data: factory } });
  mock.on('get', '/factories/current/data-lifecycle', { status: 200, data: { data: LIFECYCLE } });
  mock.on('get', '/whatsapp/setup', { status: 200, data: { data: WHATSAPP } });
  mock.on('get', '/webhooks', { status: 200, data: { data: [] } });
  mock.on('get', '/notifications/deliveries', { status: 200, data: { data: [], total: 0, page: 1, per_page: 10 } });
  mock.on('get', '/shifts', { status: 200, data: { data: SHIFTS } });
  mock.on('patch', '/factories/current/retention', (config) => {
    const body = JSON.parse(config.data as string) as RetentionUpdate;
    return { status: 200, data: { data: { ...LIFECYCLE, retention: { ...LIFECYCLE.retention, ...body } } } };
  });
  mock.on(
    'patch',
    '/factories/current',
    patchReply ??
      ((config) => {
        const body = JSON.parse(config.data as string) as FactoryUpdate;
        const { online_threshold_seconds, allow_auto_register, co2_kg_per_kwh, tariff, ...names } = body;
        const settings = { ...factory.settings };
        if (allow_auto_register != null) settings.allow_auto_register = allow_auto_register;
        if (online_threshold_seconds != null) settings.online_threshold_seconds = online_threshold_seconds;
        const next: Factory = {
          ...factory,
          name: names.name ?? factory.name,
          timezone: names.timezone ?? factory.timezone,
          currency: names.currency ?? factory.currency,
          tariff: tariff?.kind === 'tou' ? { ...tariff, periods: tariff.periods ?? [] } : (tariff ?? factory.tariff),
          co2_kg_per_kwh: co2_kg_per_kwh != null ? Number(co2_kg_per_kwh).toFixed(6) : factory.co2_kg_per_kwh,
          settings,
        };
        return { status: 200, data: { data: next } };
      }),
  );
  // No pause between keystrokes: the tariff test types a lot.
  const user = userEvent.setup({ delay: null });
  renderAt('/settings', <FactorySettings />);
  return { mock, user };
}

const patchBody = (mock: ReturnType<typeof mockApi>) => mock.callsTo('patch', '/factories/current').at(-1)?.body;

async function setTime(user: ReturnType<typeof userEvent.setup>, input: HTMLElement, value: string) {
  await user.clear(input);
  await user.type(input, value);
}

describe('FactorySettings', () => {
  beforeEach(() => useAuthStore.getState().setSession(makeSession(makeSuperAdmin())));

  it('fills the form from the factory', async () => {
    setup(makeFactory({ settings: { allow_auto_register: false, online_threshold_seconds: 120 } }));

    expect(await screen.findByLabelText(/^Name/)).toHaveValue('Demo Factory');
    expect(screen.getByLabelText('Time zone')).toHaveValue('Europe/Berlin');
    expect(screen.getByLabelText('Currency')).toHaveValue('EUR');
    expect(screen.getByLabelText('CO₂ factor (kg per kWh)')).toHaveValue('0.38');
    expect(screen.getByLabelText('Online threshold (seconds)')).toHaveValue('120');
    expect(screen.getByLabelText('Register unknown devices automatically')).not.toBeChecked();
    expect(screen.getByRole('radio', { name: 'Flat price' })).toBeChecked();
    expect(screen.getByLabelText('Price per kWh (EUR)')).toHaveValue('0.22');
  });

  it('builds a time-of-use tariff from the editor and sends only what changed', { timeout: 30_000 }, async () => {
    const { mock, user } = setup();
    await screen.findByLabelText(/^Name/);

    await user.click(screen.getByRole('radio', { name: 'Time of use' }));
    // The flat price carries over as the default.
    expect(screen.getByLabelText('Default price per kWh (EUR)')).toHaveValue('0.22');
    expect(screen.getByText('No periods: every hour is charged at the default price.')).toBeInTheDocument();

    await user.click(screen.getByRole('button', { name: 'Add period' }));
    const peak = screen.getByRole('group', { name: 'Period 1' });
    await user.type(within(peak).getByLabelText('Name'), 'peak');
    await setTime(user, within(peak).getByLabelText('Start'), '07:30');
    await setTime(user, within(peak).getByLabelText('End'), '19:00');
    await user.type(within(peak).getByLabelText('Price per kWh (EUR)'), '0,31');
    await user.click(within(peak).getByLabelText('Fri'));

    await user.click(screen.getByRole('button', { name: 'Add period' }));
    const scrap = screen.getByRole('group', { name: 'Period 2' });
    await user.type(within(scrap).getByLabelText('Name'), 'to remove');
    await user.click(within(scrap).getByRole('button', { name: 'Remove period 2' }));

    await user.click(screen.getByRole('button', { name: 'Add period' }));
    const weekend = screen.getByRole('group', { name: 'Period 2' });
    await user.type(within(weekend).getByLabelText('Name'), 'weekend evening');
    for (const day of ['Mon', 'Tue', 'Wed', 'Thu', 'Fri']) await user.click(within(weekend).getByLabelText(day));
    await user.click(within(weekend).getByLabelText('Sun'));
    await user.click(within(weekend).getByLabelText('Sat'));
    await setTime(user, within(weekend).getByLabelText('Start'), '18:00');
    await setTime(user, within(weekend).getByLabelText('End'), '00:00');
    await user.type(within(weekend).getByLabelText('Price per kWh (EUR)'), '0.12');

    await user.clear(screen.getByLabelText('CO₂ factor (kg per kWh)'));
    await user.type(screen.getByLabelText('CO₂ factor (kg per kWh)'), '0.41');
    await user.click(screen.getByRole('button', { name: 'Save settings' }));

    await waitFor(() =>
      expect(patchBody(mock)).toEqual({
        co2_kg_per_kwh: 0.41,
        tariff: {
          kind: 'tou',
          default_price_per_kwh: 0.22,
          periods: [
            { name: 'peak', days: [0, 1, 2, 3], start: '07:30', end: '19:00', price_per_kwh: 0.31 },
            { name: 'weekend evening', days: [5, 6], start: '18:00', end: '24:00', price_per_kwh: 0.12 },
          ],
        },
      }),
    );
    expect(await screen.findByText('Settings saved.')).toBeInTheDocument();
  });

  it('points at the period that needs fixing and sends nothing', async () => {
    const { mock, user } = setup(
      makeFactory({ tariff: { kind: 'tou', default_price_per_kwh: 0.18, periods: [] } }),
    );
    await screen.findByLabelText(/^Name/);
    await user.click(screen.getByRole('button', { name: 'Add period' }));
    const period = screen.getByRole('group', { name: 'Period 1' });
    await setTime(user, within(period).getByLabelText('Start'), '22:00');
    await setTime(user, within(period).getByLabelText('End'), '06:00');
    await user.click(screen.getByRole('button', { name: 'Save settings' }));

    expect(within(period).getByText('Give the period a name.')).toBeInTheDocument();
    expect(within(period).getByText(/split a period that crosses midnight into two/)).toBeInTheDocument();
    expect(within(period).getByText('Enter a price of 0 or more.')).toBeInTheDocument();
    expect(mock.callsTo('patch', '/factories/current')).toHaveLength(0);
  });

  it('shows the API’s validation messages next to the form', async () => {
    const { user } = setup(makeFactory(), {
      status: 422,
      data: {
        error: {
          code: 'VALIDATION_ERROR',
          message: "tariff.tou: Value error, periods 'peak' and 'shoulder' overlap on day 0 (and 1 more)",
          details: [
            { field: 'body.tariff.tou', message: "Value error, periods 'peak' and 'shoulder' overlap on day 0", type: 'value_error' },
            { field: 'body.currency', message: "String should match pattern '^[A-Z]{3}$'", type: 'string_pattern_mismatch' },
          ],
        },
      },
    });
    await screen.findByLabelText(/^Name/);
    await user.clear(screen.getByLabelText(/^Name/));
    await user.type(screen.getByLabelText(/^Name/), 'Werk Süd');
    await user.click(screen.getByRole('button', { name: 'Save settings' }));

    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent("periods 'peak' and 'shoulder' overlap on day 0");
    expect(within(alert).getByText("tariff.tou: Value error, periods 'peak' and 'shoulder' overlap on day 0")).toBeInTheDocument();
    expect(screen.getByLabelText('Currency')).toHaveAccessibleDescription(/String should match pattern/);
    expect(screen.getByLabelText(/^Name/)).toHaveValue('Werk Süd');
  });

  it('moves the whole app to a new time zone and currency once saved', async () => {
    const { mock, user } = setup();
    await screen.findByLabelText(/^Name/);

    await user.selectOptions(screen.getByLabelText('Time zone'), 'Asia/Kolkata');
    await user.clear(screen.getByLabelText('Currency'));
    await user.type(screen.getByLabelText('Currency'), 'inr');
    await user.clear(screen.getByLabelText('Online threshold (seconds)'));
    await user.type(screen.getByLabelText('Online threshold (seconds)'), '90');
    await user.click(screen.getByLabelText('Register unknown devices automatically'));
    await user.click(screen.getByRole('button', { name: 'Save settings' }));

    await waitFor(() =>
      expect(patchBody(mock)).toEqual({
        timezone: 'Asia/Kolkata',
        currency: 'INR',
        online_threshold_seconds: 90,
        allow_auto_register: false,
      }),
    );
    await waitFor(() => expect(useAuthStore.getState().user?.factory).toMatchObject({ timezone: 'Asia/Kolkata', currency: 'INR' }));
    expect(screen.getByLabelText('Price per kWh (INR)')).toBeInTheDocument();
  });

  it('returns the online threshold to the platform default when emptied', async () => {
    const { mock, user } = setup(makeFactory({ settings: { allow_auto_register: true, online_threshold_seconds: 300 } }));
    await user.clear(await screen.findByLabelText('Online threshold (seconds)'));
    await user.click(screen.getByRole('button', { name: 'Save settings' }));
    await waitFor(() => expect(patchBody(mock)).toEqual({ online_threshold_seconds: null }));
  });

  it('shows what the factory stores and saves a shorter raw retention', { timeout: 30_000 }, async () => {
    const { mock, user } = setup();
    const storage = await screen.findByLabelText('Storage use');
    expect(within(storage).getByText('Raw points').nextSibling).toHaveTextContent(/1.234.567/);
    expect(screen.getByText(/Rollups hold all stored data/)).toBeInTheDocument();

    const raw = screen.getByLabelText('Raw points (days)');
    expect(raw).toHaveValue('90');
    await user.clear(raw);
    await user.type(raw, '800');
    await user.click(screen.getByRole('button', { name: 'Save retention' }));
    expect(screen.getByText('Keep raw points no longer than the 15-minute rollups.')).toBeInTheDocument();
    expect(mock.callsTo('patch', '/factories/current/retention')).toHaveLength(0);

    await user.clear(raw);
    await user.type(raw, '30');
    await user.click(screen.getByRole('button', { name: 'Save retention' }));
    await waitFor(() => expect(screen.getByText(/Retention saved/)).toBeInTheDocument());
    expect(mock.callsTo('patch', '/factories/current/retention').at(-1)?.body).toEqual({ raw_days: 30 });
    expect(screen.getByLabelText('Raw points (days)')).toHaveValue('30');
  });

  it('lists the shift calendar and adds a shift', { timeout: 30_000 }, async () => {
    const { mock, user } = setup();
    mock.on('post', '/shifts', { status: 201, data: { data: { id: 4, name: 'Early', start: '06:00', end: '14:00', days: [0, 1, 2, 3, 4, 5], hours: 8, crosses_midnight: false } } });
    const shifts = await screen.findByRole('table', { name: 'Shifts' });
    expect(shifts).toHaveTextContent('Night22:00–06:00 (8 h, into the next day)Mon–Fri');

    await user.click(screen.getByRole('button', { name: 'Add shift' }));
    const dialog = await screen.findByRole('dialog', { name: 'Add a shift' });
    await user.type(within(dialog).getByLabelText(/Name/), 'Early');
    await user.click(within(dialog).getByLabelText('Sat'));
    await user.click(within(dialog).getByRole('button', { name: 'Add shift' }));
    await waitFor(() => expect(mock.callsTo('post', '/shifts')).toHaveLength(1));
    expect(mock.callsTo('post', '/shifts')[0]?.body).toEqual({ name: 'Early', start: '06:00', end: '14:00', days: [0, 1, 2, 3, 4, 5] });
  });

  it('deletes a shift after a confirmation, showing why a delete was refused', { timeout: 30_000 }, async () => {
    const { mock, user } = setup();
    mock.once('delete', '/shifts/3', apiError(503, 'DATABASE_UNAVAILABLE', 'The metadata database is unavailable. Try again shortly.'));
    mock.on('delete', '/shifts/3', { status: 204 });
    const shifts = await screen.findByRole('table', { name: 'Shifts' });

    await user.click(within(shifts).getByRole('button', { name: 'Delete Night' }));
    let dialog = screen.getByRole('dialog', { name: 'Delete Night?' });
    expect(dialog).toHaveTextContent('Its hours count as outside every shift from now on.');
    await user.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(screen.queryByRole('dialog', { name: 'Delete Night?' })).not.toBeInTheDocument();
    expect(mock.callsTo('delete', '/shifts/3')).toHaveLength(0);

    await user.click(within(shifts).getByRole('button', { name: 'Delete Night' }));
    dialog = screen.getByRole('dialog', { name: 'Delete Night?' });
    await user.click(within(dialog).getByRole('button', { name: 'Delete shift' }));
    expect(await within(dialog).findByText('The metadata database is unavailable. Try again shortly.')).toBeInTheDocument();
    await user.click(within(dialog).getByRole('button', { name: 'Delete shift' }));
    await waitFor(() => expect(screen.queryByRole('dialog', { name: 'Delete Night?' })).not.toBeInTheDocument());
    expect(mock.callsTo('delete', '/shifts/3')).toHaveLength(2);
  });
});
