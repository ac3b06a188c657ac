import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { legendText } from './chart-text.tsx';

export type RegistrationBar = { label: string; '1': number; '2': number; '3': number; unset: number };

/** Colours differ in lightness as well as hue, so the stack reads in greyscale too. */
export const tierColours = { '1': '#2e7d32', '2': '#c77700', '3': '#a3001a', unset: '#8a8a95' } as const;

/** Registered projects over time, stacked by tier including 未設定 (as on the PS Book slide). */
export default function RegistrationsChart({
  data,
  names,
  ariaLabel,
}: {
  data: RegistrationBar[];
  names: Record<'1' | '2' | '3' | 'unset', string>;
  ariaLabel: string;
}) {
  return (
    <div className="chart" role="img" aria-label={ariaLabel}>
      <ResponsiveContainer width="100%" height={300}>
        <BarChart data={data} margin={{ top: 12, right: 16, bottom: 8, left: 0 }}>
          <CartesianGrid stroke="#d0d3da" strokeDasharray="3 3" vertical={false} />
          <XAxis dataKey="label" tick={{ fill: '#1a1a1c', fontSize: 12 }} />
          <YAxis allowDecimals={false} tick={{ fill: '#1a1a1c', fontSize: 12 }} width={48} />
          <Tooltip isAnimationActive={false} />
          <Legend formatter={legendText} />
          {(['1', '2', '3', 'unset'] as const).map((key) => (
            <Bar key={key} dataKey={key} name={names[key]} stackId="tier" fill={tierColours[key]} isAnimationActive={false} />
          ))}
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}
