import { Bar, BarChart, CartesianGrid, Cell, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { displayMoney } from '../../format/money';
import { dayLabel } from './range';

/** Net per local day in one currency; negative days (more refunded than taken) in the danger colour. */
export function DailyNetChart({ daily, currency }: { daily: { day: string; netMinor: number }[]; currency: string }) {
  const data = daily.map((d) => ({ day: d.day, label: dayLabel(d.day), minor: d.netMinor }));
  const fmt = (v: number) => displayMoney(v, currency);
  const hasNegative = data.some((d) => d.minor < 0);
  return (
    <div className="reports-chart" role="img" aria-label={`Daily net in ${currency}: ${data.filter((d) => d.minor !== 0).length} days with money moving`}>
      <ResponsiveContainer width="100%" height={220}>
        <BarChart data={data} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
          <CartesianGrid vertical={false} stroke="var(--border)" />
          <XAxis dataKey="label" tickLine={false} axisLine={false} interval="preserveStartEnd" minTickGap={24} tick={{ fill: 'var(--text-3)', fontSize: 12 }} />
          <YAxis tickLine={false} axisLine={false} width={92} tickFormatter={fmt} tick={{ fill: 'var(--text-3)', fontSize: 12 }} />
          {hasNegative && <ReferenceLine y={0} stroke="var(--border-strong)" />}
          <Tooltip
            cursor={{ fill: 'var(--surface-3)' }}
            contentStyle={{ background: 'var(--surface)', border: '1px solid var(--border)', borderRadius: 8, color: 'var(--text)', fontSize: 13 }}
            labelFormatter={(_l, p) => (p?.[0]?.payload as { day?: string } | undefined)?.day ?? ''}
            formatter={(v) => [fmt(Number(v)), 'Net']}
          />
          <Bar dataKey="minor" radius={[4, 4, 0, 0]} maxBarSize={56} isAnimationActive={false}>
            {data.map((d) => (
              <Cell key={d.day} fill={d.minor < 0 ? 'var(--danger)' : 'var(--accent)'} />
            ))}
          </Bar>
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}
