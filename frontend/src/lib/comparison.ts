/** Series of several devices on one chart: each named after its device. */
import { parameterLabel } from '@/lib/parameters';
import type { HistorySeries } from '@/types/kpi';

export interface DeviceSeries {
  deviceName: string;
  series: HistorySeries[];
}

/** Every device's series, labelled "Device · Parameter"; the chart groups them by unit. */
export function overlaySeries(devices: DeviceSeries[]): HistorySeries[] {
  return devices.flatMap(({ deviceName, series }) =>
    series.map((s) => ({ ...s, display_name: `${deviceName} · ${parameterLabel(s)}` })),
  );
}
