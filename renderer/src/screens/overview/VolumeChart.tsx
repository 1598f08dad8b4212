// The daily volume chart of the Overview (recharts), loaded on demand. Bars are minor units; every label and
// tooltip goes through displayMoney (shared/money.ts), so no amount is ever shown from a float.
import { useMemo, useState } from 'react';
import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { Overview } from '../../../../shared/contract';
import { displayMoney, merchantLocale } from '../../format/money';

export default function VolumeChart({ o }: { o: Overview }) {
  const currencies = useMemo(() => {
    const totals = new Map<string, number>();
    for (const d of o.daily) totals.set(d.currency, (totals.get(d.currency) ?? 0) + d.count);
    return [...totals.entries()].sort((a, b) => b[1] - a[1]).map(([c]) => c);
  }, [o.daily]);
  const [picked, setPicked] = useState<string | null>(null);
  const currency = picked && currencies.includes(picked) ? picked : (currencies[0] ?? null);
  const data = useMemo(() => {
    if (!currency) return [];
    const byDay = new Map(o.daily.filter((d) => d.currency === currency).map((d) => [d.day, d]));
    const fmt = new Intl.DateTimeFormat(merchantLocale(), { day: 'numeric', month: 'short' });
    const out: { day: string; label: string; minor: number; count: number }[] = [];
    const today = new Date(o.todayStart);
    for (let i = 29; i >= 0; i--) {
      const d = new Date(today.getFullYear(), today.getMonth(), today.getDate() - i);
      const key = `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
      const p = byDay.get(key);
      out.push({ day: key, label: fmt.format(d), minor: p?.amountMinor ?? 0, count: p?.count ?? 0 });
    }
    return out;
  }, [o.daily, o.todayStart, currency]);

  if (!currency) return <p className="muted ov-chart-empty">No payments collected in the last 30 days.</p>;
  const fmtMoney = (v: number) => displayMoney(Math.round(v), currency);
  return (
    <div className="ov-chart">
      {currencies.length > 1 && (
        <div className="segmented ov-currency" role="radiogroup" aria-label="Currency">
          {currencies.map((c) => (
            <button key={c} type="button" role="radio" aria-checked={c === currency} className={c === currency ? 'segment is-selected' : 'segment'} onClick={() => setPicked(c)}>
              {c}
            </button>
          ))}
        </div>
      )}
      <div className="ov-chart-box" role="img" aria-label={`Daily volume in ${currency} over the last 30 days`}>
        <ResponsiveContainer width="100%" height={220}>
          <BarChart data={data} margin={{ top: 8, right: 8, bottom: 0, left: 8 }}>
            <CartesianGrid vertical={false} stroke="var(--border)" />
            <XAxis dataKey="label" tickLine={false} axisLine={false} interval="preserveStartEnd" minTickGap={24} tick={{ fill: 'var(--text-3)', fontSize: 12 }} />
            <YAxis tickLine={false} axisLine={false} allowDecimals={false} width={84} tickFormatter={fmtMoney} tick={{ fill: 'var(--text-3)', fontSize: 12 }} />
            <Tooltip
              cursor={{ fill: 'var(--surface-3)' }}
              contentStyle={{ background: 'var(--surface)', border: '1px solid var(--border)', borderRadius: 8, color: 'var(--text)', fontSize: 13 }}
              formatter={(v) => [fmtMoney(Number(v)), 'Collected']}
            />
            <Bar dataKey="minor" fill="var(--accent)" radius={[4, 4, 0, 0]} maxBarSize={40} isAnimationActive={false} />
          </BarChart>
        </ResponsiveContainer>
      </div>
    </div>
  );
}
