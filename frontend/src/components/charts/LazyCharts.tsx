import { lazy, Suspense, type ComponentProps } from 'react';
import { Spinner } from '@/components/ui';

// recharts is most of the bundle's weight: it loads only when a chart is first shown.
const TelemetryChartImpl = lazy(() => import('@/components/charts/TelemetryChart'));
const LoadCurveChartImpl = lazy(() => import('@/components/charts/LoadCurveChart'));
const AnomalyChartImpl = lazy(() => import('@/components/charts/AnomalyChart'));
const ForecastChartImpl = lazy(() => import('@/components/charts/ForecastChart'));
const EnergyComparisonChartImpl = lazy(() => import('@/components/charts/EnergyComparisonChart'));
const CusumChartImpl = lazy(() => import('@/components/charts/CusumChart'));
const NodeComparisonChartImpl = lazy(() => import('@/components/charts/NodeComparisonChart'));

function ChartFallback({ height }: { height: number }) {
  return (
    <div className="flex items-center justify-center" style={{ height }}>
      <Spinner label="Loading chart" />
    </div>
  );
}

export function TelemetryChart(props: ComponentProps<typeof TelemetryChartImpl>) {
  return (
    <Suspense fallback={<ChartFallback height={props.panelHeight ?? 220} />}>
      <TelemetryChartImpl {...props} />
    </Suspense>
  );
}

export function LoadCurveChart(props: ComponentProps<typeof LoadCurveChartImpl>) {
  return (
    <Suspense fallback={<ChartFallback height={props.height ?? 240} />}>
      <LoadCurveChartImpl {...props} />
    </Suspense>
  );
}

export function AnomalyChart(props: ComponentProps<typeof AnomalyChartImpl>) {
  return (
    <Suspense fallback={<ChartFallback height={props.panelHeight ?? 200} />}>
      <AnomalyChartImpl {...props} />
    </Suspense>
  );
}

export function ForecastChart(props: ComponentProps<typeof ForecastChartImpl>) {
  return (
    <Suspense fallback={<ChartFallback height={props.height ?? 300} />}>
      <ForecastChartImpl {...props} />
    </Suspense>
  );
}

export function EnergyComparisonChart(props: ComponentProps<typeof EnergyComparisonChartImpl>) {
  return (
    <Suspense fallback={<ChartFallback height={props.height ?? 280} />}>
      <EnergyComparisonChartImpl {...props} />
    </Suspense>
  );
}

export function CusumChart(props: ComponentProps<typeof CusumChartImpl>) {
  return (
    <Suspense fallback={<ChartFallback height={props.height ?? 240} />}>
      <CusumChartImpl {...props} />
    </Suspense>
  );
}

export function NodeComparisonChart(props: ComponentProps<typeof NodeComparisonChartImpl>) {
  return (
    <Suspense fallback={<ChartFallback height={props.height ?? 260} />}>
      <NodeComparisonChartImpl {...props} />
    </Suspense>
  );
}
