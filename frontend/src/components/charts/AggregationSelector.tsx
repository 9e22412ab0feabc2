import { Select } from '@/components/ui';
import { AGGREGATIONS, type Aggregation } from '@/types/kpi';

const LABELS: Record<Aggregation, string> = {
  mean: 'Average',
  min: 'Minimum',
  max: 'Maximum',
  last: 'Last value',
};

interface AggregationSelectorProps {
  value: Aggregation;
  onChange: (value: Aggregation) => void;
  className?: string;
}

/** How each interval of a history chart is summarised. */
export function AggregationSelector({ value, onChange, className }: AggregationSelectorProps) {
  return (
    <Select
      label="Aggregation"
      value={value}
      onChange={(e) => onChange(e.target.value as Aggregation)}
      className={className}
      selectClassName="h-9"
    >
      {AGGREGATIONS.map((agg) => (
        <option key={agg} value={agg}>
          {LABELS[agg]}
        </option>
      ))}
    </Select>
  );
}
