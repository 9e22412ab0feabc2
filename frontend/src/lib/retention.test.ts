import { describe, expect, it } from 'vitest';
import { buildRetentionUpdate, retentionValues } from '@/lib/retention';
import type { RetentionSettings } from '@/types/lifecycle';

const current: RetentionSettings = {
  raw_days: 90,
  quarter_days: 730,
  hour_days: 3650,
  resolved_alerts_days: 365,
  audit_days: 730,
  finished_jobs_days: 90,
  tokens_days: 30,
};

describe('buildRetentionUpdate', () => {
  it('sends only what changed', () => {
    const values = { ...retentionValues(current), raw_days: '30', audit_days: '400' };
    expect(buildRetentionUpdate(current, values)).toEqual({ body: { raw_days: 30, audit_days: 400 }, errors: {} });
    expect(buildRetentionUpdate(current, retentionValues(current)).body).toEqual({});
  });

  it('refuses days that are not whole, too many or none', () => {
    const values = { ...retentionValues(current), tokens_days: '1.5', audit_days: '', hour_days: '40000' };
    const { errors } = buildRetentionUpdate(current, values);
    expect(Object.keys(errors).sort()).toEqual(['audit_days', 'hour_days', 'tokens_days']);
  });

  it('keeps coarser data at least as long as finer data', () => {
    const values = { ...retentionValues(current), raw_days: '800', hour_days: '500' };
    const { errors } = buildRetentionUpdate(current, values);
    expect(errors.raw_days).toMatch(/no longer than the 15-minute/);
    expect(errors.quarter_days).toMatch(/no longer than the hourly/);
  });
});
