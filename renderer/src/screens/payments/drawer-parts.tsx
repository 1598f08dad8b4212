// Parts of the payment drawer that follow the order / attempt / payment model: the amounts (Net after refunds
// and fees), a reusable link's payments, the attempts at one order, the way back from a payment to its link,
// and a failure explained in a sentence.
import type { ReactNode } from 'react';
import type { Attempt, Payment, PaymentDetail } from '../../../../shared/contract';
import { explainDecline } from '../../../../shared/declines';
import { gatewayLabel } from '../../../../shared/gateways';
import { Money } from '../../components';
import { formatDateTime, formatRelative, isoString } from '../../format/dates';
import { navigate } from '../../router';
import { linkStateOf, PaymentStatusChip, STATUS_LABEL } from './payment-labels';

export function Section({ title, children, aside }: { title: string; children: ReactNode; aside?: ReactNode }) {
  return (
    <section className="pay-section" aria-label={title}>
      <header className="pay-section-head">
        <h3 className="pay-section-title">{title}</h3>
        {aside}
      </header>
      {children}
    </section>
  );
}

export function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div>
      <dt>{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}

/** A failure's reason: the sentence, then the gateway's code in small print. */
export function Reason({ reason, className = 'pay-reason', testId }: { reason: string | null; className?: string; testId?: string }) {
  const e = explainDecline(reason);
  if (!e) return null;
  return (
    <p className={className} data-testid={testId}>
      {e.sentence}
      {e.code && <span className="pay-reason-code mono">code: {e.code}</span>}
    </p>
  );
}

/**
 * What the payment brought in. Net = captured − refunded − fee (the fee includes its tax for both gateways;
 * gateways keep their fee when money is refunded). Until the gateway reports the fee, Net is not known.
 */
export function Amounts({ p, fees }: { p: Payment; fees: PaymentDetail['fees'] }) {
  const paid = p.capturedMinor > 0;
  const sameCurrency = fees.currency.toUpperCase() === p.currency.toUpperCase();
  const net = fees.feeMinor !== null && sameCurrency ? p.capturedMinor - p.refundedMinor - fees.feeMinor : null;
  const notYet = <span className="muted">fee not known yet</span>;
  return (
    <Section title="Amounts">
      <dl className="facts" data-testid="amounts">
        <Fact label="Amount"><Money minor={p.amountMinor} currency={p.currency} /></Fact>
        <Fact label="Captured"><Money minor={p.capturedMinor} currency={p.currency} /></Fact>
        {p.refundedMinor > 0 && <Fact label="Refunded"><Money minor={p.refundedMinor} currency={p.currency} /></Fact>}
        {paid && (
          <Fact label="Gateway fee">
            {fees.feeMinor !== null ? <Money minor={fees.feeMinor} currency={fees.currency} /> : notYet}
            {fees.taxMinor !== null && fees.taxMinor > 0 && (
              <span className="muted small"> incl. <Money minor={fees.taxMinor} currency={fees.currency} /> tax</span>
            )}
          </Fact>
        )}
        {paid && (
          <Fact label="Net">
            <span data-testid="net">
              {net !== null ? (
                <Money minor={net} currency={p.currency} />
              ) : fees.feeMinor !== null && fees.netMinor !== null ? (
                <>
                  <Money minor={fees.netMinor} currency={fees.currency} /> <span className="muted small">before refunds (the fee is in {fees.currency})</span>
                </>
              ) : (
                notYet
              )}
            </span>
            {net !== null && <span className="muted small"> captured − refunded − fee</span>}
          </Fact>
        )}
        {paid && fees.feeMinor === null && (
          <p className="muted small">{gatewayLabel(p.gateway)} reports the fee shortly after the payment; Net appears then.</p>
        )}
      </dl>
    </Section>
  );
}

const open = (id: string) => navigate('payments', id);

/** A reusable link's payments, newest first: each opens its own drawer. */
export function LinkPayments({ payments }: { payments: Payment[] }) {
  return (
    <Section title={`Payments through this link (${payments.length})`}>
      {payments.length === 0 ? (
        <p className="muted">Nobody has paid with this link yet. Each customer who pays appears here, with their own refunds.</p>
      ) : (
        <ul className="pay-sublist" data-testid="link-payments">
          {payments.map((c) => (
            <li key={c.id}>
              <button type="button" onClick={() => open(c.id)} data-payment-id={c.id}>
                <span className="truncate">{c.customerName ?? c.customerEmail ?? c.customerPhone ?? <span className="muted">Customer not given</span>}</span>
                <Money minor={c.capturedMinor > 0 ? c.capturedMinor : c.amountMinor} currency={c.currency} />
                <span>
                  <PaymentStatusChip payment={c} withNote={false} />
                  {c.paidAt !== null && (
                    <span className="muted small"> <time dateTime={isoString(c.paidAt)} title={formatDateTime(c.paidAt)}>{formatRelative(c.paidAt)}</time></span>
                  )}
                </span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </Section>
  );
}

/** "Attempt 2 of 2 · ORD-2001/2": only when the order has more than one attempt. */
export function attemptLabel(p: Payment, attempts: readonly Attempt[]): string | null {
  if (attempts.length < 2) return null;
  return `Attempt ${p.attemptNo} of ${attempts.length} · ${p.reference}`;
}

const ATTEMPT_WORD: Record<NonNullable<Attempt['linkState']>, string> = { creating: 'Creating', open: 'Open', used: 'Paid', expired: 'Expired', cancelled: 'Cancelled' };

/** The other attempts at the same order, oldest first: each opens its drawer. */
export function OrderAttempts({ p, attempts }: { p: Payment; attempts: Attempt[] }) {
  if (attempts.length < 2) return null;
  return (
    <Section title={`Attempts for order ${p.orderRef}`}>
      <ul className="pay-sublist" data-testid="order-attempts">
        {attempts.map((a) => (
          <li key={a.id}>
            <button type="button" onClick={() => open(a.id)} aria-current={a.id === p.id ? 'true' : undefined}>
              <span>Attempt {a.attemptNo} of {attempts.length} · <span className="mono">{a.reference}</span></span>
              <span className="muted small">{a.linkState ? ATTEMPT_WORD[a.linkState] : STATUS_LABEL[a.status]}</span>
              <time className="muted small" dateTime={isoString(a.createdAt)}>{formatRelative(a.createdAt)}</time>
            </button>
          </li>
        ))}
      </ul>
    </Section>
  );
}

/** A payment made through a reusable link: the way back to the link. */
export function ViaLink({ p }: { p: Payment }) {
  if (!p.linkId) return null;
  const linkId = p.linkId;
  return (
    <span className="chip-note">
      via reusable link{' '}
      <button type="button" className="text-link link-button mono" onClick={() => open(linkId)} title="Open the reusable link">
        {p.reference || p.orderRef}
      </button>
    </span>
  );
}

/** The link can still be paid: open (a declined attempt leaves a single-use link open). */
export const linkPayable = (p: Payment): boolean => !p.linkId && linkStateOf(p) === 'open';

/** Why the link can't be paid, in words; null while it can. */
export function notPayableText(p: Payment): string | null {
  switch (linkStateOf(p)) {
    case 'used':
      return 'This link was paid; it can’t be paid again.';
    case 'expired':
      return 'This link expired; it can no longer be paid.';
    case 'cancelled':
      return 'This link was cancelled; it can no longer be paid.';
    default:
      return null;
  }
}
