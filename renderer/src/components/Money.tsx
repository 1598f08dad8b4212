import { displayMoney } from '../format/money';

/** An amount in minor units, formatted with shared/money.ts; tabular figures, right-aligned in tables (.money). */
export function Money({ minor, currency, className }: { minor: number; currency: string; className?: string }) {
  return (
    <span className={['money', minor < 0 ? 'is-negative' : '', className ?? ''].filter(Boolean).join(' ')} data-minor={minor} data-currency={currency.toUpperCase()}>
      {displayMoney(minor, currency)}
    </span>
  );
}
