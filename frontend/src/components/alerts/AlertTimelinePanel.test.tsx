import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { beforeEach, describe, expect, it } from 'vitest';
import { AlertTimelinePanel } from '@/components/alerts/AlertTimelinePanel';
import { MaintenanceWindowsPanel } from '@/components/alerts/MaintenanceWindowsPanel';
import { useAuthStore } from '@/stores/authStore';
import { makeAlert } from '@/test/domainFixtures';
import { makeSession, makeSuperAdmin } from '@/test/fixtures';
import { mockApi } from '@/test/mockApi';
import { renderAt } from '@/test/render';
import type { AlertDelivery, AlertTimeline } from '@/types/alerts';

const DELIVERY: AlertDelivery = {
  id: 9,
  alert_id: 41,
  channel: 'email',
  recipient: 'boss@plant.example',
  event: 'escalated',
  step: 2,
  kind: 'alert',
  status: 'failed',
  attempts: 1,
  last_error: 'SMTP 550: no such user',
  error_code: null,
  webhook_id: null,
  sent_at: null,
  delivered_at: null,
  read_at: null,
  created_at: '2026-12-04T08:01:00Z',
  updated_at: '2026-12-04T08:01:01Z',
};

const TIMELINE: AlertTimeline = {
  events: [
    { id: 1, alert_id: 41, kind: 'raised', at: '2026-12-04T08:00:00Z', actor_id: null, actor_name: null, details: { muted: false } },
    { id: 2, alert_id: 41, kind: 'escalated', at: '2026-12-04T08:01:00Z', actor_id: null, actor_name: null, details: { step: 2, deliveries: 1 } },
    { id: 3, alert_id: 41, kind: 'acknowledged', at: '2026-12-04T08:02:00Z', actor_id: 1, actor_name: 'Dana Admin', details: {} },
  ],
  deliveries: [DELIVERY],
};

describe('alert timeline and maintenance windows', () => {
  beforeEach(() => useAuthStore.getState().setSession(makeSession(makeSuperAdmin())));

  it('shows the timeline and each notification, and snoozes the escalation', async () => {
    const mock = mockApi();
    mock.on('get', '/alerts/41/timeline', { status: 200, data: { data: TIMELINE } });
    mock.on('post', '/alerts/41/snooze', { status: 200, data: { data: makeAlert() } });
    const user = userEvent.setup({ delay: null });
    renderAt('/alerts', <AlertTimelinePanel alert={makeAlert()} timeZone="UTC" canAct />);

    const timeline = await screen.findByRole('list', { name: 'Alert timeline' });
    expect(timeline).toHaveTextContent('Escalation round 2: 1 notifications');
    expect(timeline).toHaveTextContent('Acknowledged by Dana Admin');
    const row = within(screen.getByRole('table', { name: 'Notifications per recipient' })).getByRole('row', { name: /boss@plant.example/ });
    expect(row).toHaveTextContent('Round 2');
    expect(row).toHaveTextContent('failed');

    await user.selectOptions(screen.getByLabelText('Snooze escalation'), '30');
    await user.click(screen.getByRole('button', { name: 'Snooze' }));
    expect(mock.callsTo('post', '/alerts/41/snooze')[0]?.body).toEqual({ minutes: 30 });
  });

  it('starts a maintenance window from now for the chosen hours', async () => {
    const mock = mockApi();
    mock.on('get', '/devices/5/maintenance-windows', { status: 200, data: { data: [] } });
    mock.on('post', '/devices/5/maintenance-windows', { status: 201, data: { data: {} } });
    const user = userEvent.setup({ delay: null });
    renderAt('/machines/5', <MaintenanceWindowsPanel deviceId={5} timeZone="UTC" canManage />);

    expect(await screen.findByText('No maintenance windows.')).toBeInTheDocument();
    await user.selectOptions(screen.getByLabelText('Mute from now for'), '4');
    await user.type(screen.getByLabelText('Reason'), 'Bearing swap');
    await user.click(screen.getByRole('button', { name: 'Start maintenance' }));
    const body = mock.callsTo('post', '/devices/5/maintenance-windows')[0]?.body as { starts_at: string; ends_at: string; reason: string };
    expect(body.reason).toBe('Bearing swap');
    expect(Date.parse(body.ends_at) - Date.parse(body.starts_at)).toBe(4 * 3_600_000);
  });
});
