import { CartesianGrid, ComposedChart, Legend, Line, ResponsiveContainer, Scatter, Tooltip, XAxis, YAxis } from 'recharts';
import { legendText } from './chart-text.tsx';

export type KpiChartPoint = { year: number; label: string; plan: number | null; actual: number | null };

/**
 * Baseline → target trajectory (the plan line) against the yearly measurements. Loaded lazily:
 * recharts never reaches the first page load. The caller renders the same numbers as a table.
 */
export default function KpiChart({
  points,
  planLabel,
  actualLabel,
  unit,
  ariaLabel,
}: {
  points: KpiChartPoint[];
  planLabel: string;
  actualLabel: string;
  unit: string;
  ariaLabel: string;
}) {
  return (
    <div className="chart" role="img" aria-label={ariaLabel}>
      <ResponsiveContainer width="100%" height={260}>
        <ComposedChart data={points} margin={{ top: 12, right: 24, bottom: 8, left: 8 }}>
          <CartesianGrid stroke="#d0d3da" strokeDasharray="3 3" />
          <XAxis dataKey="label" tick={{ fill: '#1a1a1c', fontSize: 12 }} />
          <YAxis tick={{ fill: '#1a1a1c', fontSize: 12 }} unit={unit} width={72} />
          <Tooltip isAnimationActive={false} />
          <Legend formatter={legendText} />
          <Line
            type="linear"
            dataKey="plan"
            name={planLabel}
            stroke="#4d4d57"
            strokeDasharray="6 4"
            strokeWidth={2}
            dot={false}
            connectNulls
            isAnimationActive={false}
          />
          <Scatter dataKey="actual" name={actualLabel} fill="#0031d8" shape="circle" isAnimationActive={false} />
          <Line
            type="linear"
            dataKey="actual"
            name={actualLabel}
            stroke="#0031d8"
            strokeWidth={3}
            connectNulls
            legendType="none"
            isAnimationActive={false}
          />
        </ComposedChart>
      </ResponsiveContainer>
    </div>
  );
}
