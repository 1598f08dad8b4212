// Overview: what came in today, this week and this month (per currency, never summed across currencies),
// open links, failed payments, refunds, a chart of daily volume and the latest payments. Kept fresh by the
// pushed payment.changed / refund.changed events (they invalidate the 'overview' and 'payments' domains).
import { lazy, Suspense, useState } from 'react';
import type { Overview, Payment } from '../../../../shared/contract';
import { gatewayLabel } from '../../../../shared/gateways';
import { useRpcQuery } from '../../api/hooks';
import { Banner, Button, ButtonLink, Card, EmptyState, Icon, Money, Page, StatusChip } from '../../components';
import { formatRelative, isoString } from '../../format/dates';
import { hrefFor } from '../../router';
import { GatewayMark } from '../settings/account-labels';
import { PaymentDrawer } from '../payments/PaymentDrawer';
import { NotifyMeButton, PaidNotifier } from '../payments/notifications';
import { PaymentStatusChip, useCurrentMode } from '../payments/payment-labels';
import '../payments/payments.css';
import { recentInput } from './queries';
import { BackupWarning } from './BackupWarning';

// recharts is large: the chart loads on its own, so the rest of the console starts sooner
const VolumeChart = lazy(() => import('./VolumeChart'));

export function OverviewScreen() {
  const { mode, accounts, settled } = useCurrentMode();
  // asked once the account list has said which mode the console is in (not live first, then test); boot.ts
  // may have asked already (queries.ts: same keys)
  const recent = useRpcQuery('payments.list', recentInput(mode), { enabled: settled });
  const overview = useRpcQuery('overview.get', { mode }, { enabled: settled });
  const [openId, setOpenId] = useState<string | null>(null);
  const o = overview.data;
  const nothingYet = o !== undefined && recent.data !== undefined && recent.data.rows.length === 0;

  return (
    <Page
      title="Overview"
      description={mode === 'test' ? 'Today at a glance (test mode).' : 'Today at a glance.'}
      actions={
        <>
          <NotifyMeButton />
          <ButtonLink href={hrefFor('new-link')} icon="plus">
            New payment link
          </ButtonLink>
        </>
      }
    >
      <PaidNotifier />
      <BackupWarning />
      {overview.error && !overview.data ? (
        <Banner tone="danger" title="Couldn’t load the overview" action={<Button size="sm" onClick={() => void overview.refetch()}>Try again</Button>}>
          {overview.error.message}
        </Banner>
      ) : !o || !recent.data ? (
        <div className="skeleton-list" aria-busy="true" aria-label="Loading the overview">
          <div className="skeleton" />
          <div className="skeleton" />
        </div>
      ) : nothingYet ? (
        <GetStarted hasAccount={accounts.length > 0} />
      ) : (
        <div className="stack-lg">
          <Collected o={o} />
          <div className="ov-tiles">
            <Tile label="Open links" value={o.openLinks} href={hrefFor('payments')} hint="can still be paid" />
            <Tile label="Declined, still open" value={o.failedPayments} tone={o.failedPayments > 0 ? 'warning' : undefined} hint="last try failed, last 30 days" href={hrefFor('payments')} />
            <div className="ov-tile">
              <span className="ov-tile-label">Refunds</span>
              {o.refunds.length === 0 ? (
                <span className="ov-tile-value">0</span>
              ) : (
                o.refunds.map((r) => (
                  <span key={r.currency} className="ov-tile-value ov-tile-money">
                    <Money minor={r.amountMinor} currency={r.currency} />
                    <span className="muted small"> · {r.count}</span>
                  </span>
                ))
              )}
              <span className="muted small">last 30 days</span>
            </div>
            {o.creating > 0 && <Tile label="Still being created" value={o.creating} tone="warning" hint="gateway not reached yet" href={hrefFor('payments')} />}
          </div>
          <div className="ov-grid">
            <Card title="Daily volume" id="ov-chart" description="Money collected per day, last 30 days">
              <Suspense fallback={<div className="skeleton ov-chart-box" aria-label="Loading the chart" />}>
                <VolumeChart o={o} />
              </Suspense>
            </Card>
            <Card
              title="Recent payments"
              id="ov-recent"
              actions={
                <a href={hrefFor('payments')} className="text-link">
                  All payments
                </a>
              }
            >
              <RecentList rows={recent.data.rows} onOpen={setOpenId} />
            </Card>
          </div>
        </div>
      )}
      <PaymentDrawer id={openId} onClose={() => setOpenId(null)} />
    </Page>
  );
}

function Collected({ o }: { o: Overview }) {
  if (o.collected.length === 0) {
    return (
      <div className="ov-collected">
        <CollectedCard title="Collected today" value={null} />
        <CollectedCard title="Last 7 days" value={null} />
        <CollectedCard title="Last 30 days" value={null} />
      </div>
    );
  }
  return (
    <div className="ov-collected">
      <CollectedCard title="Collected today" value={o.collected.map((c) => ({ currency: c.currency, minor: c.todayMinor, count: c.todayCount }))} />
      <CollectedCard title="Last 7 days" value={o.collected.map((c) => ({ currency: c.currency, minor: c.last7Minor, count: c.last7Count }))} />
      <CollectedCard title="Last 30 days" value={o.collected.map((c) => ({ currency: c.currency, minor: c.last30Minor, count: c.last30Count }))} />
    </div>
  );
}

function CollectedCard({ title, value }: { title: string; value: { currency: string; minor: number; count: number }[] | null }) {
  const shown = value?.filter((v) => v.count > 0) ?? [];
  return (
    <section className="ov-stat" aria-label={title}>
      <h2 className="ov-stat-title">{title}</h2>
      {shown.length === 0 ? (
        <p className="ov-stat-value muted">—</p>
      ) : (
        shown.map((v) => (
          <p key={v.currency} className="ov-stat-value">
            <Money minor={v.minor} currency={v.currency} />
            <span className="ov-stat-count">{v.count} paid</span>
          </p>
        ))
      )}
    </section>
  );
}

function Tile({ label, value, hint, tone, href }: { label: string; value: number; hint?: string; tone?: 'danger' | 'warning'; href?: string }) {
  const body = (
    <>
      <span className="ov-tile-label">{label}</span>
      <span className={tone ? `ov-tile-value ov-tone-${tone}` : 'ov-tile-value'}>{value.toLocaleString()}</span>
      {hint && <span className="muted small">{hint}</span>}
    </>
  );
  return href ? (
    <a className="ov-tile ov-tile-link" href={href}>
      {body}
    </a>
  ) : (
    <div className="ov-tile">{body}</div>
  );
}

function RecentList({ rows, onOpen }: { rows: Payment[]; onOpen(id: string): void }) {
  if (rows.length === 0) return <p className="muted">No payments yet.</p>;
  return (
    <ul className="ov-recent">
      {rows.map((p) => (
        <li key={p.id}>
          <button type="button" className="ov-recent-row" onClick={() => onOpen(p.id)} data-payment-id={p.id}>
            <GatewayMark gateway={p.gateway} />
            <span className="ov-recent-main">
              <span className="strong truncate">{p.orderRef}</span>
              <span className="muted small truncate">
                {p.customerName ?? p.customerEmail ?? gatewayLabel(p.gateway)} · <time dateTime={isoString(p.createdAt)}>{formatRelative(p.createdAt)}</time>
              </span>
            </span>
            <Money minor={p.amountMinor} currency={p.currency} />
            <PaymentStatusChip payment={p} />
          </button>
        </li>
      ))}
    </ul>
  );
}

function GetStarted({ hasAccount }: { hasAccount: boolean }) {
  const steps = [
    { done: hasAccount, title: 'Connect a payment account', body: 'Stripe or Razorpay, in test mode first if you like.', href: hrefFor('settings') },
    { done: false, title: 'Create a payment link', body: 'Enter an amount and an order reference.', href: hrefFor('new-link') },
    { done: false, title: 'Share it and watch it turn Paid', body: 'Send the URL or show the QR code at the counter.', href: hrefFor('payments') },
  ];
  return (
    <div className="stack-lg">
      <Card title="Get started" id="get-started">
        <ol className="steps">
          {steps.map((s, i) => (
            <li key={s.title} className={s.done ? 'step is-done' : 'step'}>
              <span className="step-mark" aria-hidden="true">
                {s.done ? <Icon name="check" size={14} /> : i + 1}
              </span>
              <div>
                <a href={s.href} className="step-title">
                  {s.title}
                  {s.done && <span className="visually-hidden"> (done)</span>}
                </a>
                <p className="step-body">{s.body}</p>
              </div>
            </li>
          ))}
        </ol>
        <p className="muted small backup-restore-hint">Moving from another computer? <a className="text-link" href={hrefFor('settings')}>Restore a backup</a> in Settings → Backup.</p>
      </Card>
      <Card title="Today" id="overview-today">
        <EmptyState icon="overview" title="No payments yet">
          <p>Takings for today, the last 7 and 30 days, open links and refunds show here as payments come in.</p>
          <p>
            <StatusChip tone="success">Paid</StatusChip> appears the moment a customer pays, without reloading.
          </p>
        </EmptyState>
      </Card>
    </div>
  );
}

