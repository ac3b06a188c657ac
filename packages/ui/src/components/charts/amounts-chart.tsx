import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';

/** Horizontal bars of amounts (yen) by label; the caller renders the same rows as a table. */
export default function AmountsChart({
  rows,
  ariaLabel,
  formatAxis,
  formatValue,
}: {
  rows: { label: string; value: number }[];
  ariaLabel: string;
  formatAxis: (value: number) => string;
  formatValue: (value: number) => string;
}) {
  const height = Math.max(160, rows.length * 40 + 40);
  return (
    <div className="chart" role="img" aria-label={ariaLabel} style={{ minHeight: height }}>
      <ResponsiveContainer width="100%" height={height}>
        <BarChart data={rows} layout="vertical" margin={{ top: 8, right: 24, bottom: 8, left: 8 }}>
          <CartesianGrid stroke="#d0d3da" strokeDasharray="3 3" horizontal={false} />
          <XAxis type="number" tickFormatter={formatAxis} tick={{ fill: '#1a1a1c', fontSize: 12 }} />
          <YAxis type="category" dataKey="label" width={160} tick={{ fill: '#1a1a1c', fontSize: 12 }} />
          <Tooltip formatter={(value) => formatValue(Number(value))} />
          <Bar dataKey="value" fill="#0031d8" isAnimationActive={false} />
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}
