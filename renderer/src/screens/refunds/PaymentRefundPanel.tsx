// Refunds on a payment's detail drawer: what can still be refunded, the refunds made (with the gateway's
// reason when one failed), the Refund button, and for Razorpay payments left authorised: Capture and the
// time left before Razorpay refunds them by itself.
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { toMajorString } from '../../../../shared/money';
import type { Payment, RefundablePayment } from '../../../../shared/contract';
import { fieldError, useRpcMutation, useRpcQuery } from '../../api/hooks';
import { Banner, Button, Money, StatusChip, TextField, toast } from '../../components';
import { formatDateTime, formatRelative, isoString } from '../../format/dates';
import { displayMoney } from '../../format/money';
import { RefundDialog } from './RefundDialog';
import { RefundStatusChip, refundReasonText } from './labels';

export function PaymentRefundPanel({ payment }: { payment: Payment }) {
  const preview = useRpcQuery('refunds.preview', { paymentId: payment.id }, { staleTime: 0 });
  const refunds = useRpcQuery('refunds.forPayment', { paymentId: payment.id }, { staleTime: 0 });
  const [opening, setOpening] = useState(0);
  const p = preview.data;
  const made = useResultFocus(refunds.data);

  return (
    <section className="refund-panel" aria-labelledby={`refunds-${payment.id}`}>
      <header className="refund-panel-head">
        <h3 id={`refunds-${payment.id}`} className="refund-panel-title pay-section-title" ref={made.headingRef} tabIndex={-1}>
          Refunds
        </h3>
        {p && p.refundableMinor > 0 && (
          <Button size="sm" variant="secondary" icon="refunds" onClick={() => setOpening((n) => n + 1)}>
            Refund
          </Button>
        )}
      </header>

      {preview.isPending ? (
        <div className="skeleton" aria-busy="true" aria-label="Loading refunds" />
      ) : preview.error ? (
        <Banner tone="danger" title="Couldn’t load the refund amounts" action={<Button size="sm" onClick={() => void preview.refetch()}>Try again</Button>}>
          {preview.error.message}
        </Banner>
      ) : p ? (
        <>
          <Amounts p={p} />
          {p.authorization && <CapturePanel p={p} />}
        </>
      ) : null}

      {refunds.data && refunds.data.length > 0 && (
        <ul className="refund-list" aria-label="Refunds of this payment" ref={made.listRef}>
          {refunds.data.map((r) => (
            <li key={r.id} className="refund-item" data-refund-id={r.id} tabIndex={-1}>
              <div className="refund-item-top">
                <Money minor={r.amountMinor} currency={r.currency} className="strong" />
                <RefundStatusChip status={r.status} />
                <time className="muted small refund-item-time" dateTime={isoString(r.createdAt)} title={formatDateTime(r.createdAt)}>
                  {formatRelative(r.createdAt)}
                </time>
              </div>
              <div className="muted small">
                by {r.operatorName}
                {r.approvedByName ? `, approved by ${r.approvedByName}` : ''} · {refundReasonText(r)}
              </div>
              {r.status === 'failed' && r.failureReason && <p className="refund-item-reason tone-danger-text small">{r.failureReason}</p>}
              {r.status === 'requested' && r.lastError && <p className="muted small">{r.lastError}</p>}
            </li>
          ))}
        </ul>
      )}

      {p && opening > 0 && (
        <RefundDialog
          key={opening}
          payment={payment}
          preview={p}
          onClose={() => setOpening(0)}
          onDone={(r) => {
            setOpening(0);
            made.show(r.id);
          }}
        />
      )}
    </section>
  );
}

/**
 * After a refund is made the focus goes to its line in the list, where its status shows (to the Refunds
 * heading until the list has it): the Refund button that opened the dialog may be gone, nothing left to refund.
 */
function useResultFocus(list: unknown) {
  const headingRef = useRef<HTMLHeadingElement>(null);
  const listRef = useRef<HTMLUListElement>(null);
  const [madeId, setMadeId] = useState<string | null>(null);
  const taken = useRef(false);
  useEffect(() => {
    if (!madeId) return;
    const active = document.activeElement;
    // once on the heading, the focus moves on only if the merchant has not taken it elsewhere meanwhile
    if (taken.current && active !== headingRef.current && active !== document.body && active !== null) {
      setMadeId(null);
      return;
    }
    taken.current = true;
    const item = listRef.current?.querySelector<HTMLElement>(`[data-refund-id="${CSS.escape(madeId)}"]`);
    (item ?? headingRef.current)?.focus();
    if (item) setMadeId(null);
  }, [madeId, list]);
  const show = (id: string) => {
    taken.current = false;
    setMadeId(id);
  };
  return { headingRef, listRef, show };
}

function Amounts({ p }: { p: RefundablePayment }) {
  if (p.capturedMinor <= 0 && !p.authorization) {
    return <p className="muted small">Nothing has been paid on this link yet, so there is nothing to refund.</p>;
  }
  return (
    <>
      {p.refundState === 'refunded' && p.pendingMinor === 0 && (
        <div className="refund-state">
          <StatusChip tone="neutral">Refunded in full</StatusChip>
          <span className="muted small">Everything paid has gone back to the customer.</span>
        </div>
      )}
      <dl className="refund-amounts">
        <div>
          <dt>Paid</dt>
          <dd>
            <Money minor={p.capturedMinor} currency={p.currency} />
          </dd>
        </div>
        <div>
          <dt>Refunded</dt>
          <dd>
            <Money minor={p.refundedMinor} currency={p.currency} />
          </dd>
        </div>
        {p.pendingMinor > 0 && (
          <div>
            <dt>On its way</dt>
            <dd>
              <Money minor={p.pendingMinor} currency={p.currency} />
            </dd>
          </div>
        )}
        <div className="is-key">
          <dt>Refundable</dt>
          <dd data-testid="refundable">
            <Money minor={p.refundableMinor} currency={p.currency} />
          </dd>
        </div>
      </dl>
      {!p.livemode && <p className="muted small">Test payment: refunds go to the test gateway; no real money moves.</p>}
    </>
  );
}

function useNow(everyMs: number): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(t);
  }, [everyMs]);
  return now;
}

function timeLeft(ms: number): string {
  if (ms <= 0) return 'any moment now';
  const mins = Math.floor(ms / 60_000);
  const d = Math.floor(mins / 1440);
  const h = Math.floor((mins % 1440) / 60);
  const m = mins % 60;
  if (d > 0) return `${d} day${d === 1 ? '' : 's'} ${h} h`;
  if (h > 0) return `${h} h ${m} min`;
  return `${Math.max(1, m)} min`;
}

function CapturePanel({ p }: { p: RefundablePayment }) {
  const auth = p.authorization!;
  const now = useNow(30_000);
  const qc = useQueryClient();
  const [partial, setPartial] = useState(false);
  const [amount, setAmount] = useState(() => toMajorString(auth.amountMinor, p.currency));
  const capture = useRpcMutation('payments.capture', {
    onSuccess: async (r) => {
      await qc.invalidateQueries({ predicate: (q) => String(q.queryKey[0]).startsWith('refunds.') });
      toast.success(`Captured ${displayMoney(r.capturedMinor, r.currency)}`);
    },
  });
  const left = auth.autoRefundAt !== null ? auth.autoRefundAt - now : null;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (capture.isPending) return;
    capture.mutate({ paymentId: p.paymentId, ...(partial ? { amount: amount.trim() } : {}) });
  };
  return (
    <div className="capture-box">
      <div className="capture-head">
        <StatusChip tone="warning">Authorised, not captured</StatusChip>
        <Money minor={auth.amountMinor} currency={p.currency} className="strong" />
      </div>
      <p className="small">
        The customer’s bank is holding this money. Capture it to receive it
        {left !== null ? (
          <>
            , or Razorpay refunds it automatically in{' '}
            <strong>
              <time dateTime={isoString(auth.autoRefundAt!)} title={formatDateTime(auth.autoRefundAt!)}>
                {timeLeft(left)}
              </time>
            </strong>{' '}
            ({formatDateTime(auth.autoRefundAt!)}).
          </>
        ) : (
          <>, or leave it: Razorpay refunds uncaptured payments automatically after a few days.</>
        )}
      </p>
      <form className="capture-form" onSubmit={submit} noValidate>
        {partial && (
          <TextField
            label={`Amount to capture (${p.currency})`}
            name="capture-amount"
            inputMode="decimal"
            autoComplete="off"
            value={amount}
            onChange={(e) => setAmount(e.target.value)}
            error={fieldError(capture.error, 'amount')}
            hint="The rest is released back to the customer."
          />
        )}
        <div className="capture-actions">
          <Button type="submit" variant="primary" size="sm" busy={capture.isPending}>
            {partial ? 'Capture this amount' : `Capture ${displayMoney(auth.amountMinor, p.currency)}`}
          </Button>
          <Button size="sm" variant="ghost" onClick={() => setPartial((v) => !v)} disabled={capture.isPending}>
            {partial ? 'Capture all instead' : 'Capture part…'}
          </Button>
        </div>
        {capture.error && capture.error.field !== 'amount' && (
          <Banner tone={capture.error.code === 'conflict' ? 'info' : 'danger'}>{capture.error.message}</Banner>
        )}
      </form>
    </div>
  );
}
