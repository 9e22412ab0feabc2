import type { ParameterRole } from '@/types/device';

export const ROLE_LABELS: Record<ParameterRole, string> = {
  active_power: 'Active power',
  reactive_power: 'Reactive power',
  apparent_power: 'Apparent power',
  energy_counter: 'Energy counter',
  power_factor: 'Power factor',
  voltage: 'Voltage',
  current: 'Current',
  frequency: 'Frequency',
  thd: 'THD',
  temperature: 'Temperature',
  production_count: 'Production counter',
  other: 'Other',
};

/** The name a user gave the parameter, else the key the device sends. */
export function parameterLabel(p: { display_name: string | null; parameter_key: string }): string {
  return p.display_name || p.parameter_key;
}
