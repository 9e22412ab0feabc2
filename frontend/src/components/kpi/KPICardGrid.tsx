import { KPICard } from '@/components/kpi/KPICard';
import { useNow } from '@/hooks/useNow';
import { parameterLabel } from '@/lib/parameters';
import type { LiveKPI } from '@/types/kpi';

interface KPICardGridProps {
  kpis: LiveKPI[];
  /** When the answer arrived: ages keep counting between refreshes from here. */
  receivedAt: number;
}

export function KPICardGrid({ kpis, receivedAt }: KPICardGridProps) {
  const now = useNow(1000);
  // The server's age is measured on its own clock, so it survives a skewed browser clock;
  // only the time since the answer arrived is added locally.
  const elapsed = Math.max(0, (now - receivedAt) / 1000);

  return (
    <ul aria-label="Live KPIs" className="grid grid-cols-1 gap-3 sm:grid-cols-2 lg:grid-cols-3 xl:grid-cols-4">
      {kpis.map((kpi) => (
        <li key={kpi.parameter_id} className="min-w-0">
          <KPICard
            label={parameterLabel(kpi)}
            parameterKey={kpi.parameter_key}
            value={kpi.value}
            unit={kpi.unit}
            ageSeconds={kpi.age_seconds === null ? null : kpi.age_seconds + elapsed}
            stale={kpi.stale}
          />
        </li>
      ))}
    </ul>
  );
}
