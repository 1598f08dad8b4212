// Reports: reconcile what customers paid with what reached the bank, per currency, in the merchant's time
// zone; the settlements with a drill-down; open flags; and the CSV export. Test and live never mix: the
// screen shows the console's current mode only.
import { lazy, Suspense, useMemo, useState } from 'react';
import type { CurrencyTotals, Gateway, Summary, SummaryInput } from '../../../../shared/contract';
import { useRpcMutation, useRpcQuery } from '../../api/hooks';
import { Banner, Button, Card, EmptyState, Money, Page, Segmented, StatusChip, toast } from '../../components';
import { formatDateTime, formatRelative } from '../../format/dates';
import { merchantLocale } from '../../format/money';
import { hrefFor } from '../../router';
import { useCurrentMode } from '../payments/payment-labels';
import { ExportPanel } from './ExportPanel';
import { FlagsCard } from './FlagsCard';
import { presetRange, rangeLabel, isDay, type RangePreset } from './range';
import { SettlementsCard } from './SettlementsCard';

// recharts is ~0.5 MB of the bundle: loaded with the first chart, not with the console (as on Overview)
const DailyNetChart = lazy(() => import('./DailyNetChart').then((m) => ({ default: m.DailyNetChart })));

const clock = new Intl.DateTimeFormat(merchantLocale(), { timeStyle: 'short' });
const sameDay = (a: number, b: number) => new Date(a).toDateString() === new Date(b).toDateString();
const at = (ms: number) => (sameDay(ms, Date.now()) ? clock.format(ms) : formatDateTime(ms));

/**
 * How fresh the figures are, in two parts that can differ: the figures are computed from everything Paydesk
 * has applied (a refund a minute ago included) and are recomputed whenever a payment or refund changes; the
 * settlements and fees come from the last refresh from the gateways.
 */
function FreshnessLine({ figuresAt, fetchedAt, refreshing }: { figuresAt: number | null; fetchedAt: number | null; refreshing: boolean }) {
  const settlementsWord = figuresAt !== null ? 'settlements' : 'Settlements';
  return (
    <span data-testid="reports-freshness">
      {figuresAt !== null && (
        <>
          Figures as of <time dateTime={new Date(figuresAt).toISOString()} title={formatDateTime(figuresAt)}>{at(figuresAt)}</time> ·{' '}
        </>
      )}
      {refreshing ? (
        `${settlementsWord}: refreshing from the gateways…`
      ) : fetchedAt !== null ? (
        <>
          {settlementsWord} fetched <time dateTime={new Date(fetchedAt).toISOString()} title={formatDateTime(fetchedAt)}>{formatRelative(fetchedAt)}</time>
        </>
      ) : (
        `${settlementsWord} not fetched yet`
      )}
    </span>
  );
}

export function ReportsScreen() {
  const { mode, modeAccounts, selected } = useCurrentMode();
  const settings = useRpcQuery('reports.settings.get', {}, { staleTime: 60_000 });
  const timeZone = settings.data?.timeZone ?? 'UTC';

  const [preset, setPreset] = useState<RangePreset>('this_month');
  const [custom, setCustom] = useState(() => presetRange('this_month', timeZone));
  const [gateway, setGateway] = useState<Gateway | ''>('');
  const [accountId, setAccountId] = useState<string>('');

  // the sidebar's account choice is the default filter; a choice made here wins
  const effectiveAccount = accountId || (selected && selected.mode === mode ? selected.id : '');
  const accountsShown = modeAccounts.filter((a) => !gateway || a.gateway === gateway);
  const account = accountsShown.find((a) => a.id === effectiveAccount) ?? null;

  const range = preset === 'custom' ? custom : presetRange(preset, timeZone);
  const rangeOk = isDay(range.from) && isDay(range.to) && range.from <= range.to;

  const input = useMemo(() => {
    const i: SummaryInput = { mode, from: range.from, to: range.to };
    if (gateway) i.gateway = gateway;
    if (account) i.accountId = account.id;
    return i;
  }, [mode, range.from, range.to, gateway, account]);

  const summary = useRpcQuery('reports.summary', input, { enabled: settings.isSuccess && rangeOk, placeholderData: (prev) => prev });
  const status = useRpcQuery('reports.status', {}, { refetchInterval: (q) => (q.state.data?.accounts.some((a) => a.running) ? 1500 : false) });
  const refreshing = status.data?.accounts.some((a) => a.running && a.mode === mode) ?? false;

  const refresh = useRpcMutation('reports.refresh', {
    onSuccess: (r) => {
      const failed = r.accounts.filter((a) => !a.ok);
      if (failed.length === 0) toast.success(r.accounts.length === 1 ? 'Refreshed from the gateway' : `Refreshed ${r.accounts.length} accounts from the gateways`);
    },
  });
  const failedRefresh = refresh.data?.accounts.filter((a) => !a.ok) ?? [];
  const labelOf = (id: string) => modeAccounts.find((a) => a.id === id)?.label ?? id;

  const refreshedAt = summary.data?.refreshedAt ?? null;

  return (
    <Page
      title="Reports"
      wide
      description={
        <>
          Reconcile what customers paid with what reached your bank. Days are in <strong>{timeZone}</strong>{' '}
          <a className="text-link" href={hrefFor('settings', 'reports')}>
            (change)
          </a>
          .
        </>
      }
      actions={
        <div className="reports-refresh">
          <span className="muted small" aria-live="polite">
            <FreshnessLine figuresAt={summary.data ? summary.dataUpdatedAt : null} fetchedAt={refreshedAt} refreshing={refreshing || refresh.isPending} />
          </span>
          <Button
            icon="refresh"
            busy={refresh.isPending}
            disabled={modeAccounts.length === 0}
            onClick={() => refresh.mutate(account ? { mode, accountId: account.id } : { mode })}
          >
            Refresh
          </Button>
        </div>
      }
    >
      {failedRefresh.length > 0 && (
        <Banner tone="warning" title="Some accounts could not be refreshed" className="main-banner" onDismiss={() => refresh.reset()}>
          {failedRefresh.map((f) => `${labelOf(f.accountId)}: ${f.error?.message ?? 'unknown problem'}`).join(' · ')}
        </Banner>
      )}
      {refresh.error && (
        <Banner tone="danger" title="Couldn’t refresh" className="main-banner">
          {refresh.error.message}
        </Banner>
      )}

      <div className="filters reports-filters" role="group" aria-label="What to show">
        <Segmented
          legend="Period"
          name="reports-period"
          value={preset}
          onChange={(p) => {
            if (p === 'custom' && preset !== 'custom') setCustom(range);
            setPreset(p);
          }}
          options={[
            { value: 'this_month', label: 'This month' },
            { value: 'last_month', label: 'Last month' },
            { value: 'custom', label: 'Custom' },
          ]}
        />
        {preset === 'custom' && (
          <>
            <label className="filter">
              <span className="filter-label">From</span>
              <input className="input input-sm" type="date" value={custom.from} max={custom.to} onChange={(e) => setCustom((c) => ({ ...c, from: e.target.value }))} />
            </label>
            <label className="filter">
              <span className="filter-label">To</span>
              <input className="input input-sm" type="date" value={custom.to} min={custom.from} onChange={(e) => setCustom((c) => ({ ...c, to: e.target.value }))} />
            </label>
          </>
        )}
        <label className="filter">
          <span className="filter-label">Gateway</span>
          <select
            className="input select input-sm"
            value={gateway}
            onChange={(e) => {
              setGateway(e.target.value as Gateway | '');
              setAccountId('');
            }}
          >
            <option value="">Both gateways</option>
            <option value="stripe">Stripe</option>
            <option value="razorpay">Razorpay</option>
          </select>
        </label>
        <label className="filter">
          <span className="filter-label">Account</span>
          <select className="input select input-sm" value={account?.id ?? ''} onChange={(e) => setAccountId(e.target.value)}>
            <option value="">All {mode} accounts</option>
            {accountsShown.map((a) => (
              <option key={a.id} value={a.id}>
                {a.label}
              </option>
            ))}
          </select>
        </label>
        <div className="reports-mode">
          <StatusChip tone={mode === 'test' ? 'test' : 'live'}>{mode === 'test' ? 'Test data' : 'Live data'}</StatusChip>
          <span className="muted small">{rangeOk ? rangeLabel(range) : 'Choose a first day on or before the last day'}</span>
        </div>
      </div>

      {modeAccounts.length === 0 ? (
        <EmptyState icon="reports" title={`No ${mode} accounts yet`}>
          <p>Connect a Stripe or Razorpay account in Settings. Reports reconcile its payments, refunds, fees and payouts.</p>
        </EmptyState>
      ) : summary.error && !summary.data ? (
        <Banner tone="danger" title="Couldn’t load the report">
          {summary.error.message}
        </Banner>
      ) : !summary.data ? (
        <div className="skeleton-list" aria-busy="true" aria-label="Loading the report">
          <div className="skeleton" />
          <div className="skeleton" />
        </div>
      ) : (
        <ReportBody summary={summary.data} />
      )}

      {modeAccounts.length > 0 && rangeOk && (
        <ExportPanel mode={mode} from={range.from} to={range.to} gateway={gateway || null} accountId={account?.id ?? null} />
      )}
    </Page>
  );
}

function ReportBody({ summary }: { summary: Summary }) {
  const [currency, setCurrency] = useState<string | null>(null);
  const shown = summary.currencies.find((c) => c.currency === currency)?.currency ?? summary.currencies[0]?.currency ?? null;
  return (
    <div className="stack-lg reports-body">
      {summary.currencies.length === 0 ? (
        <Card>
          <p className="muted">No payments, refunds or payouts in this period. Choose another period, or Refresh to fetch the latest from the gateways.</p>
        </Card>
      ) : (
        <section aria-label="Totals per currency" className="reports-totals">
          {summary.currencies.map((c) => (
            <CurrencyTotalsCard key={c.currency} t={c} />
          ))}
        </section>
      )}
      {shown && (
        <Card
          id="daily-net"
          title="Daily net"
          description="What you kept each day after refunds, fees and disputes."
          actions={
            summary.currencies.length > 1 ? (
              <select className="input select input-sm" aria-label="Currency" value={shown} onChange={(e) => setCurrency(e.target.value)}>
                {summary.currencies.map((c) => (
                  <option key={c.currency}>{c.currency}</option>
                ))}
              </select>
            ) : undefined
          }
        >
          <Suspense fallback={<div className="skeleton ov-chart-box" aria-label="Loading the chart" />}>
            <DailyNetChart daily={summary.daily.filter((d) => d.currency === shown)} currency={shown} />
          </Suspense>
        </Card>
      )}
      <SettlementsCard settlements={summary.settlements} />
      <FlagsCard mode={summary.mode} counts={summary.flags} />
    </div>
  );
}

function CurrencyTotalsCard({ t }: { t: CurrencyTotals }) {
  const row = (label: string, minor: number, opts: { negative?: boolean; hint?: string; strong?: boolean } = {}) => (
    <div className={opts.strong ? 'totals-row is-strong' : 'totals-row'}>
      <dt title={opts.hint}>{label}</dt>
      <dd>
        <Money minor={opts.negative && minor !== 0 ? -minor : minor} currency={t.currency} />
      </dd>
    </div>
  );
  return (
    <article className="card totals-card" aria-label={`Totals in ${t.currency}`} data-currency={t.currency}>
      <header className="totals-head">
        <h2 className="card-title">{t.currency}</h2>
        <span className="muted small">
          {t.paymentCount} {t.paymentCount === 1 ? 'payment' : 'payments'} · {t.refundCount} {t.refundCount === 1 ? 'refund' : 'refunds'}
          {t.externalCount > 0 ? ` · ${t.externalCount} not made in Paydesk` : ''}
        </span>
      </header>
      <dl className="totals">
        {row('Gross', t.grossMinor, { hint: 'What customers paid' })}
        {row('Refunds', t.refundsMinor, { negative: true })}
        {row('Fees', t.feesMinor, { negative: true, hint: 'What the gateway kept, tax included' })}
        <div className="totals-row is-sub">
          <dt>of which tax</dt>
          <dd>
            <Money minor={t.taxMinor} currency={t.currency} />
          </dd>
        </div>
        {row('Disputes', t.disputesMinor, { negative: true })}
        {t.adjustmentsMinor !== 0 && row('Adjustments', t.adjustmentsMinor)}
        {row('Net', t.netMinor, { strong: true })}
      </dl>
      <div className="totals-split" aria-label="Net, settled and pending">
        <div>
          <span className="muted small">Settled to bank</span>
          <Money minor={t.settledMinor} currency={t.currency} className="strong" />
        </div>
        <div>
          <span className="muted small">Pending</span>
          <Money minor={t.pendingMinor} currency={t.currency} className="strong" />
        </div>
      </div>
      {t.netMinor > 0 && (
        <div className="settled-bar" role="img" aria-label={`${Math.round((100 * Math.max(0, t.settledMinor)) / t.netMinor)}% of net settled`}>
          <span style={{ width: `${Math.min(100, Math.max(0, (100 * t.settledMinor) / t.netMinor))}%` }} />
        </div>
      )}
    </article>
  );
}
