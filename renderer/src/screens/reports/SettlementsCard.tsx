// The payouts (Stripe) and settlements (Razorpay) of the period, with matched/unmatched counts, and a drawer
// that lists what each one paid out: every item linked to its Paydesk payment or refund, or flagged.
import { useState } from 'react';
import type { SettlementItem, SettlementSummary } from '../../../../shared/contract';
import { gatewayLabel, type Gateway } from '../../../../shared/gateways';
import { useRpcQuery } from '../../api/hooks';
import { Banner, Card, Drawer, Money, StatusChip } from '../../components';
import { formatDate, formatDateTime } from '../../format/dates';
import { hrefFor } from '../../router';
import { GatewayMark } from '../settings/account-labels';
import { FlagChip, KIND_LABEL, SettlementStatusChip } from './labels';

export function SettlementsCard({ settlements }: { settlements: SettlementSummary[] }) {
  const [open, setOpen] = useState<string | null>(null);
  const matched = settlements.reduce((n, s) => n + s.matchedCount, 0);
  const unmatched = settlements.reduce((n, s) => n + s.unmatchedCount, 0);
  return (
    <Card
      id="settlements"
      title="Payouts and settlements"
      description={
        settlements.length === 0
          ? 'Nothing reached your bank in this period yet.'
          : `${settlements.length} in this period · ${matched} ${matched === 1 ? 'item' : 'items'} matched · ${unmatched} unmatched`
      }
      className="table-flush"
    >
      {settlements.length > 0 && (
        <div className="stable" role="table" aria-label="Payouts and settlements">
          <div className="stable-row stable-head" role="row">
            <span role="columnheader">Date</span>
            <span role="columnheader">Account</span>
            <span role="columnheader">Payout / settlement</span>
            <span role="columnheader" className="num">
              Amount
            </span>
            <span role="columnheader">Matched</span>
            <span role="columnheader">Status</span>
          </div>
          {settlements.map((s) => (
            <button type="button" key={s.id} role="row" className="stable-row" onClick={() => setOpen(s.id)} aria-label={`Open ${s.gatewaySettlementId}`}>
              <span role="cell">
                <time dateTime={new Date(s.arrivalAt ?? s.createdAt).toISOString()} title={formatDateTime(s.arrivalAt ?? s.createdAt)}>
                  {formatDate(s.arrivalAt ?? s.createdAt)}
                </time>
              </span>
              <span role="cell" className="stable-account">
                <GatewayMark gateway={s.gateway} />
                <span className="truncate">{s.accountLabel}</span>
              </span>
              <span role="cell" className="mono truncate" title={s.utr ? `UTR ${s.utr}` : undefined}>
                {s.gatewaySettlementId}
              </span>
              <span role="cell" className="num">
                <Money minor={s.amountMinor} currency={s.currency} />
              </span>
              <span role="cell" className="stable-match">
                <StatusChip tone="success" dot={false}>
                  {s.matchedCount} matched
                </StatusChip>
                {s.unmatchedCount > 0 && (
                  <StatusChip tone="warning" dot={false}>
                    {s.unmatchedCount} unmatched
                  </StatusChip>
                )}
                {s.manual && (
                  <StatusChip dot={false} title={`Manual payout: matched by date. ${MANUAL_NOTE}`}>
                    Manual
                  </StatusChip>
                )}
                {s.warning && (
                  <StatusChip tone="warning" dot={false} title={s.warning}>
                    Needs a look
                  </StatusChip>
                )}
              </span>
              <span role="cell">
                <SettlementStatusChip status={s.status} />
              </span>
            </button>
          ))}
        </div>
      )}
      <SettlementDrawer id={open} onClose={() => setOpen(null)} />
    </Card>
  );
}

/** why a manual payout's items are a match by date (see gateways/stripe/reports-manual.ts) */
const MANUAL_NOTE =
  'Stripe lists the transactions of automatic payouts only. For this manual payout, Paydesk took the transactions that became available since the previous payout.';

/** Stripe pays out and dates the arrival in the bank; Razorpay settles and dates the processing. */
const PAYOUT_WORDS: Record<Gateway, { noun: string; arrival: string }> = {
  stripe: { noun: 'Payout', arrival: 'Arrives' },
  razorpay: { noun: 'Settlement', arrival: 'Processed' },
};

function SettlementDrawer({ id, onClose }: { id: string | null; onClose(): void }) {
  const q = useRpcQuery('reports.settlement', { id: id ?? '' }, { enabled: id !== null });
  const s = q.data?.settlement;
  return (
    <Drawer
      open={id !== null}
      onClose={onClose}
      title={s ? `${PAYOUT_WORDS[s.gateway].noun} ${s.gatewaySettlementId}` : 'Payout'}
      description={s ? `${gatewayLabel(s.gateway)} · ${s.accountLabel} · ${s.mode === 'test' ? 'test data' : 'live'}` : undefined}
    >
      {q.error && <Banner tone="danger" title="Couldn’t load it">{q.error.message}</Banner>}
      {!s && !q.error && <div className="skeleton" aria-busy="true" />}
      {s && q.data && (
        <div className="stack">
          {s.warning && (
            <Banner tone="warning" title="Check this payout">
              {s.warning}
            </Banner>
          )}
          {s.manual && (
            <p className="small">
              <strong>Manual payout: matched by date.</strong> <span className="muted">{MANUAL_NOTE}</span>
            </p>
          )}
          <dl className="facts">
            <div>
              <dt>To your bank</dt>
              <dd>
                <Money minor={s.amountMinor} currency={s.currency} className="strong" />
              </dd>
            </div>
            <div>
              <dt>Fees (tax)</dt>
              <dd>
                <Money minor={s.feeMinor} currency={s.currency} /> (<Money minor={s.taxMinor} currency={s.currency} />)
              </dd>
            </div>
            <div>
              <dt>{PAYOUT_WORDS[s.gateway].arrival}</dt>
              <dd>{s.arrivalAt ? formatDateTime(s.arrivalAt) : '—'}</dd>
            </div>
            {s.utr && (
              <div>
                <dt>Bank UTR</dt>
                <dd className="mono">{s.utr}</dd>
              </div>
            )}
            <div>
              <dt>Status</dt>
              <dd>
                <SettlementStatusChip status={s.status} />
              </dd>
            </div>
            <div>
              <dt>Items</dt>
              <dd>
                {s.matchedCount} matched · {s.unmatchedCount} unmatched · {s.itemCount} in all
              </dd>
            </div>
          </dl>
          <h3 className="section-title">What it paid out</h3>
          <ul className="sitems" aria-label="Items">
            {q.data.items.map((it) => (
              <SettlementItemRow key={it.id} it={it} currency={s.currency} />
            ))}
          </ul>
        </div>
      )}
    </Drawer>
  );
}

function SettlementItemRow({ it, currency }: { it: SettlementItem; currency: string }) {
  const matched = (it.payment || it.refund) && !it.external && it.flags.length === 0;
  return (
    <li className="sitem" data-kind={it.kind} data-matched={matched ? 'true' : 'false'}>
      <div className="sitem-top">
        <span className="strong">{KIND_LABEL[it.kind] ?? it.kind}</span>
        <Money minor={it.amountMinor} currency={currency} />
      </div>
      <div className="sitem-meta small">
        <span className="mono muted truncate">{it.gatewayTxnId}</span>
        <span className="muted">
          fee <Money minor={it.feeMinor} currency={currency} /> · net <Money minor={it.netMinor} currency={currency} />
        </span>
      </div>
      <div className="sitem-links small">
        {it.payment && (
          <a className="text-link" href={hrefFor('payments', it.payment.id)}>
            Payment {it.payment.orderRef}
          </a>
        )}
        {it.refund && (
          <a className="text-link" href={hrefFor('payments', it.refund.paymentId)}>
            Refund of <Money minor={it.refund.amountMinor} currency={it.refund.currency} />
          </a>
        )}
        {matched && (
          <StatusChip tone="success" dot={false}>
            Matched
          </StatusChip>
        )}
        {it.external && <FlagChip flag="external" />}
        {it.flags.filter((f) => !(it.external && f.flag === 'external')).map((f) => (
          <FlagChip key={f.flag} flag={f.flag} />
        ))}
        {!it.payment && !it.refund && !it.external && it.kind !== 'payment' && it.kind !== 'refund' && <span className="muted">Gateway {KIND_LABEL[it.kind]?.toLowerCase() ?? it.kind}</span>}
      </div>
    </li>
  );
}
