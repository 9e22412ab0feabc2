import { act, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { KPICard } from '@/components/kpi/KPICard';
import { KPICardGrid } from '@/components/kpi/KPICardGrid';
import { makeKpi } from '@/test/domainFixtures';

describe('KPICard', () => {
  it('shows the reading with its unit and how old it is', () => {
    render(<KPICard label="Active power" parameterKey="active_power_kw" value={1234.567} unit="kW" ageSeconds={12} stale={false} />);
    const card = screen.getByRole('article', { name: 'Active power' });
    expect(within(card).getByTestId('kpi-value')).toHaveTextContent('1,235kW');
    expect(card).toHaveTextContent('Updated 12 s ago');
    expect(card).toHaveTextContent('active_power_kw');
    expect(within(card).queryByText('Stale')).not.toBeInTheDocument();
  });

  it('marks a reading older than the online threshold as stale', () => {
    render(<KPICard label="Voltage L1" value={229.94} unit="V" ageSeconds={3720} stale />);
    const card = screen.getByRole('article', { name: 'Voltage L1' });
    expect(within(card).getByText('Stale')).toBeInTheDocument();
    expect(card).toHaveTextContent('229.9V');
    expect(card).toHaveTextContent('Updated 1 h 2 min ago');
  });

  it('says so when nothing is known yet instead of showing zero', () => {
    render(<KPICard label="Power factor" value={null} unit={null} ageSeconds={null} stale />);
    const card = screen.getByRole('article', { name: 'Power factor' });
    expect(within(card).getByTestId('kpi-value')).toHaveTextContent('—');
    expect(card).toHaveTextContent('No reading yet');
    // With no value there is nothing to call stale.
    expect(within(card).queryByText('Stale')).not.toBeInTheDocument();
  });

  it('keeps a unitless value on its own', () => {
    render(<KPICard label="Power factor" value={0.9321} unit={null} ageSeconds={1} stale={false} />);
    expect(screen.getByTestId('kpi-value')).toHaveTextContent(/^0\.932$/);
    expect(screen.getByRole('article')).toHaveTextContent('Updated just now');
  });
});

describe('KPICardGrid', () => {
  afterEach(() => vi.useRealTimers());

  it('names cards by display name, falling back to the key, and keeps ages counting between refreshes', () => {
    vi.useFakeTimers();
    const receivedAt = Date.now();
    render(
      <KPICardGrid
        receivedAt={receivedAt}
        kpis={[
          makeKpi({ parameter_id: 1, age_seconds: 3 }),
          makeKpi({ parameter_id: 2, parameter_key: 'temp_c', display_name: null, unit: '°C', value: 61.25, age_seconds: 10 }),
        ]}
      />,
    );
    const list = screen.getByRole('list', { name: 'Live KPIs' });
    expect(within(list).getAllByRole('heading', { level: 3 }).map((h) => h.textContent)).toEqual(['Active power', 'temp_c']);
    expect(screen.getByRole('article', { name: 'temp_c' })).toHaveTextContent('Updated 10 s ago');

    act(() => {
      vi.advanceTimersByTime(20_000);
    });
    expect(screen.getByRole('article', { name: 'Active power' })).toHaveTextContent('Updated 23 s ago');
    expect(screen.getByRole('article', { name: 'temp_c' })).toHaveTextContent('Updated 30 s ago');
  });
});
