// The refund dialog: amount + reason (Stripe) or speed + note (Razorpay), then a confirmation that shows
// exactly what will happen. One dialog = one requestId: a double click, a resend or a retry after a timeout
// returns the same refund from core, never a second one. Above the staff limit an owner approves on the spot.
import { useRef, useState, type FormEvent } from 'react';
import { currencyExponent, parseAmount, toMajorString } from '../../../../shared/money';
import type { Payment, Refund, RefundablePayment } from '../../../../shared/contract';
import { gatewayLabel } from '../../../../shared/gateways';
import { fieldError, useRpcMutation, useRpcQuery } from '../../api/hooks';
import type { ApiError } from '../../api/errors';
import { Banner, Button, Dialog, Money, Segmented, SelectField, TextField, toast } from '../../components';
import { displayMoney } from '../../format/money';
import { SPEED_LABEL, STRIPE_REASON_LABEL, newRequestId } from './labels';

type StripeReason = keyof typeof STRIPE_REASON_LABEL;
type Speed = keyof typeof SPEED_LABEL;

const REASONS = (Object.keys(STRIPE_REASON_LABEL) as StripeReason[]).map((value) => ({ value, label: STRIPE_REASON_LABEL[value] }));
const SPEEDS: { value: Speed; label: string }[] = [
  { value: 'normal', label: 'Normal' },
  { value: 'optimum', label: 'Optimum' },
];

/** Checks the amount as the cashier typed it; the words name what to fix. */
export function checkAmount(text: string, p: Pick<RefundablePayment, 'currency' | 'refundableMinor'>): { ok: true; minor: number } | { ok: false; message: string } {
  const t = text.trim();
  if (t === '') return { ok: false, message: 'Enter the amount to give back.' };
  if (/^-/.test(t)) return { ok: false, message: 'The amount must be more than zero.' };
  const parsed = parseAmount(t, p.currency);
  if (!parsed.ok) {
    if (/decimals/.test(parsed.reason)) {
      const exp = currencyExponent(p.currency);
      return {
        ok: false,
        message: exp === 0 ? `${p.currency} has no cents: enter a whole amount, e.g. 1200.` : `${p.currency} amounts have at most ${exp} digits after the point, e.g. ${toMajorString(1250 * 10 ** (exp - 2), p.currency)}.`,
      };
    }
    if (/more than zero/.test(parsed.reason)) return { ok: false, message: 'The amount must be more than zero.' };
    return { ok: false, message: `${parsed.reason}.` };
  }
  if (parsed.minor > p.refundableMinor) {
    return { ok: false, message: p.refundableMinor <= 0 ? 'Nothing is left to refund on this payment.' : `You can refund at most ${displayMoney(p.refundableMinor, p.currency)} on this payment.` };
  }
  return { ok: true, minor: parsed.minor };
}

/** `onDone` instead of `onClose` once the gateway has the refund (its owner shows the result and moves the focus there) */
export function RefundDialog({ payment, preview, onClose, onDone }: { payment: Payment; preview: RefundablePayment; onClose(): void; onDone(refund: Refund): void }) {
  // one refund per request id: a new attempt after a decline gets a new one (startOver)
  const [requestId, setRequestId] = useState(newRequestId);
  const [step, setStep] = useState<'form' | 'confirm'>('form');
  const [amountText, setAmountText] = useState(() => toMajorString(preview.refundableMinor, preview.currency));
  const [amountError, setAmountError] = useState<string | undefined>();
  const [reason, setReason] = useState<StripeReason>('requested_by_customer');
  const [speed, setSpeed] = useState<Speed>('normal');
  const [note, setNote] = useState('');
  const [approverId, setApproverId] = useState('');
  const [pin, setPin] = useState('');
  const [serverWantsApproval, setServerWantsApproval] = useState<string | null>(null);
  const [finalError, setFinalError] = useState<ApiError | null>(null);
  const sending = useRef(false);

  const desk = useRpcQuery('desk.status', {});
  const owners = (desk.data?.operators ?? []).filter((o) => o.role === 'owner');
  const create = useRpcMutation('refunds.create');

  const isStripe = preview.gateway === 'stripe';
  const checked = checkAmount(amountText, preview);
  const amountMinor = checked.ok ? checked.minor : 0;
  const limit = preview.staffLimitMinor;
  const needsApproval = serverWantsApproval !== null || (limit !== null && amountMinor > limit);
  const customer = preview.customerName ?? payment.customerName ?? preview.customerEmail ?? payment.customerEmail ?? null;

  const review = (e?: FormEvent) => {
    e?.preventDefault();
    const c = checkAmount(amountText, preview);
    if (!c.ok) {
      setAmountError(c.message);
      return;
    }
    setAmountError(undefined);
    setStep('confirm');
  };

  const confirm = () => {
    // one refund per dialog: the button is disabled while pending, this guard catches a click in between,
    // and the requestId makes core answer any resend with the same refund
    if (sending.current || create.isPending) return;
    if (needsApproval && (!approverId || !pin)) return;
    sending.current = true;
    setFinalError(null);
    create.mutate(
      {
        paymentId: preview.paymentId,
        amount: amountText.trim(),
        requestId,
        ...(isStripe ? { reason } : { speed, ...(note.trim() ? { note: note.trim() } : {}) }),
        ...(needsApproval ? { approval: { operatorId: approverId, pin } } : {}),
      },
      {
        onSuccess: (refund: Refund) => {
          if (refund.status === 'failed') {
            setFinalError(null);
            toast.error(`${gatewayLabel(refund.gateway)} did not refund ${displayMoney(refund.amountMinor, refund.currency)}${refund.failureReason ? `: ${refund.failureReason}` : ''}.`);
          } else {
            toast.success(
              refund.status === 'succeeded'
                ? `Refunded ${displayMoney(refund.amountMinor, refund.currency)}`
                : `Refund of ${displayMoney(refund.amountMinor, refund.currency)} sent to ${gatewayLabel(refund.gateway)}`,
            );
          }
          onDone(refund);
        },
        onError: (err) => {
          if (err.code === 'invalid_input' && err.field === 'amount') {
            setAmountError(err.message);
            setStep('form');
          } else if (err.code === 'forbidden' && err.field === 'approval') {
            setServerWantsApproval(err.message);
          } else if (err.field === 'approval.pin' || err.field === 'approval.operatorId') {
            // shown at the field below
          } else {
            setFinalError(err);
          }
        },
        onSettled: () => {
          sending.current = false;
        },
      },
    );
  };

  const err = create.error;
  const pinError = err && err.field === 'approval.pin' ? err.message : undefined;
  const approverError = err && err.field === 'approval.operatorId' ? err.message : undefined;
  // a final answer for this confirmation (declined, already refunded, refused): the same requestId cannot make another refund
  const finished = finalError !== null && finalError.code !== 'gateway_unreachable' && finalError.code !== 'host_unreachable' && finalError.code !== 'internal';
  const remaining = preview.refundableMinor - amountMinor;
  // the gateway said no to this refund: staff may change the amount or details and ask again, as a new refund
  const canStartOver = finalError?.code === 'gateway_declined';
  const startOver = () => {
    setRequestId(newRequestId());
    setFinalError(null);
    setServerWantsApproval(null);
    setPin('');
    create.reset();
    setStep('form');
  };

  return (
    <Dialog
      open
      onClose={onClose}
      // each step puts the focus on its first control: the amount, the owner's name, or the confirm button
      focusKey={step === 'form' ? 'form' : `confirm:${finished}:${needsApproval}`}
      title={step === 'form' ? 'Refund payment' : 'Confirm the refund'}
      description={step === 'form' ? `${preview.orderRef} · paid ${displayMoney(preview.capturedMinor, preview.currency)} through ${gatewayLabel(preview.gateway)}` : 'Check the details: the money goes back to the customer’s card or account.'}
      footer={
        step === 'form' ? (
          <>
            <Button variant="ghost" onClick={onClose}>
              Cancel
            </Button>
            <Button variant="primary" type="submit" form="refund-form">
              Review refund
            </Button>
          </>
        ) : finished ? (
          <>
            {canStartOver && (
              <Button variant="ghost" onClick={startOver}>
                Start a new refund
              </Button>
            )}
            <Button variant="primary" onClick={onClose} data-autofocus="">
              Close
            </Button>
          </>
        ) : (
          <>
            <Button variant="ghost" onClick={() => setStep('form')} disabled={create.isPending}>
              Back
            </Button>
            <Button
              variant="primary"
              onClick={confirm}
              busy={create.isPending}
              disabled={needsApproval && (!approverId || !pin)}
              data-testid="confirm-refund"
              data-autofocus=""
            >
              {create.isPending ? 'Refunding…' : needsApproval ? `Approve and refund ${displayMoney(amountMinor, preview.currency)}` : `Refund ${displayMoney(amountMinor, preview.currency)}`}
            </Button>
          </>
        )
      }
    >
      {step === 'form' ? (
        <form id="refund-form" className="form" onSubmit={review} noValidate>
          <TextField
            label={`Amount to refund (${preview.currency})`}
            name="amount"
            inputMode="decimal"
            autoComplete="off"
            value={amountText}
            onChange={(e) => {
              setAmountText(e.target.value);
              setAmountError(undefined);
            }}
            error={amountError ?? fieldError(err, 'amount')}
            hint={
              <>
                Up to <Money minor={preview.refundableMinor} currency={preview.currency} /> can be refunded
                {preview.refundedMinor + preview.pendingMinor > 0 ? ' (what is already refunded or on its way is taken off)' : ''}. Type less for a partial refund.
              </>
            }
            data-autofocus=""
          />
          {isStripe ? (
            <SelectField label="Reason" name="reason" value={reason} onChange={(e) => setReason(e.target.value as StripeReason)} hint="Stripe keeps the reason with the refund; “Fraudulent” also helps Stripe block similar payments.">
              {REASONS.map((r) => (
                <option key={r.value} value={r.value}>
                  {r.label}
                </option>
              ))}
            </SelectField>
          ) : (
            <>
              <Segmented<Speed>
                legend="Speed"
                name="speed"
                value={speed}
                options={SPEEDS}
                onChange={setSpeed}
                hint={speed === 'optimum' ? 'Razorpay refunds instantly when the customer’s bank supports it (a fee may apply), else at normal speed.' : 'The money reaches the customer in 5–7 working days.'}
                error={fieldError(err, 'speed')}
              />
              <TextField label="Note" optional name="note" value={note} maxLength={200} onChange={(e) => setNote(e.target.value)} hint="Kept with the refund at Razorpay, e.g. why you refunded." error={fieldError(err, 'note')} />
            </>
          )}
          {limit !== null && checked.ok && amountMinor > limit && (
            <Banner tone="info" title="An owner will need to approve this">
              {limit > 0 ? <>Your limit is <Money minor={limit} currency={preview.currency} /> per refund. </> : <>Staff refunds in {preview.currency} need an owner. </>}
              On the next step an owner chooses their name and enters their PIN.
            </Banner>
          )}
        </form>
      ) : (
        <div className="stack refund-confirm">
          <div className="refund-confirm-amount">
            <span className="muted small">You are refunding</span>
            <Money minor={amountMinor} currency={preview.currency} className="refund-big" />
            <span className="muted small">
              {amountMinor === preview.refundableMinor ? 'All that is left of this payment' : 'Part of this payment'}
            </span>
          </div>
          <dl className="facts" aria-label="Refund details">
            <div>
              <dt>Amount</dt>
              <dd>
                <Money minor={amountMinor} currency={preview.currency} />
              </dd>
            </div>
            <div>
              <dt>Currency</dt>
              <dd>{preview.currency}</dd>
            </div>
            <div>
              <dt>Customer</dt>
              <dd>
                {customer ?? <span className="muted">Not given</span>}
                {preview.customerEmail && customer !== preview.customerEmail ? <span className="muted"> · {preview.customerEmail}</span> : null}
              </dd>
            </div>
            <div>
              <dt>Order</dt>
              <dd>{preview.orderRef}</dd>
            </div>
            <div>
              <dt>{isStripe ? 'Reason' : 'Speed'}</dt>
              <dd>
                {isStripe ? STRIPE_REASON_LABEL[reason] : SPEED_LABEL[speed]}
                {!isStripe && note.trim() ? <span className="muted"> · {note.trim()}</span> : null}
              </dd>
            </div>
            <div>
              <dt>Left to refund after</dt>
              <dd>
                <Money minor={remaining} currency={preview.currency} />
                <span className="muted"> of <Money minor={preview.capturedMinor} currency={preview.currency} /> paid</span>
              </dd>
            </div>
          </dl>

          {needsApproval && !finished && (
            <section className="approval" aria-labelledby="approval-title">
              <h3 id="approval-title" className="approval-title">
                Owner approval
              </h3>
              <p className="small">
                {serverWantsApproval ??
                  (limit !== null && limit > 0
                    ? `This is above your limit of ${displayMoney(limit, preview.currency)}. An owner approves it here with their PIN.`
                    : `Staff refunds in ${preview.currency} need an owner's approval. An owner approves it here with their PIN.`)}
              </p>
              {owners.length === 0 ? (
                <Banner tone="warning">No owner is set up at this desk, so this refund cannot be approved here.</Banner>
              ) : (
                <div className="form-row">
                  <SelectField label="Owner" name="approver" data-autofocus="" value={approverId} onChange={(e) => {
                      setApproverId(e.target.value);
                      if (create.error) create.reset();
                    }} error={approverError}>
                    <option value="">Choose an owner</option>
                    {owners.map((o) => (
                      <option key={o.id} value={o.id}>
                        {o.name}
                      </option>
                    ))}
                  </SelectField>
                  <TextField
                    label="Owner’s PIN"
                    name="approval-pin"
                    type="password"
                    inputMode="numeric"
                    autoComplete="off"
                    maxLength={12}
                    value={pin}
                    onChange={(e) => {
                      setPin(e.target.value.replace(/\D/g, ''));
                      if (create.error) create.reset();
                    }}
                    error={pinError}
                  />
                </div>
              )}
            </section>
          )}

          {finalError && <FinalError error={finalError} currency={preview.currency} />}
        </div>
      )}
    </Dialog>
  );
}

function FinalError({ error }: { error: ApiError; currency: string }) {
  switch (error.code) {
    case 'gateway_declined':
      return (
        <Banner tone="danger" title="The gateway declined this refund">
          {error.message}
        </Banner>
      );
    case 'conflict':
      return (
        <Banner tone="info" title="Already done">
          {error.message} The payment below shows where it stands now.
        </Banner>
      );
    case 'gateway_unreachable':
      return (
        <Banner tone="warning" title="No answer from the gateway yet">
          {error.message} The refund is recorded and Paydesk keeps trying with the same key, so it can never go out twice. You can press the button
          again safely.
        </Banner>
      );
    case 'forbidden':
      return (
        <Banner tone="warning" title="Not allowed">
          {error.message}
        </Banner>
      );
    default:
      return (
        <Banner tone="danger" title="The refund was not made">
          {error.message}
        </Banner>
      );
  }
}
