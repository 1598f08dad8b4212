// One payment or link in a side drawer: status and amounts, what happened when (timeline), the link with its
// QR code, a reusable link's payments, the order's other attempts, the gateway's ids, the raw webhook events,
// and the actions (check status now, cancel the link, refunds on a payment).
import { useState } from 'react';
import type { Attempt, Payment, PaymentDetail, TimelineEntry } from '../../../../shared/contract';
import { declineText } from '../../../../shared/declines';
import { gatewayLabel } from '../../../../shared/gateways';
import { useRpcMutation, useRpcQuery } from '../../api/hooks';
import { Banner, Button, ConfirmDialog, Drawer, Money, toast } from '../../components';
import { CopyButton } from '../../components/CopyButton';
import { formatDateTime, formatRelative, isoString } from '../../format/dates';
import { displayMoney } from '../../format/money';
import { PaymentRefundPanel } from '../refunds/PaymentRefundPanel';
import { PdIcon } from './icons';
import { Amounts, attemptLabel, Fact, LinkPayments, linkPayable, notPayableText, OrderAttempts, Reason, Section, ViaLink } from './drawer-parts';
import { KIND_LABEL, merchantStatus, PaymentStatusChip } from './payment-labels';
import { shownTimeline } from './timeline-entries';

export function PaymentDrawer({ id, onClose }: { id: string | null; onClose(): void }) {
  const detail = useRpcQuery('payments.get', { id: id ?? '' }, { enabled: id !== null });
  const p = detail.data?.payment;
  return (
    <Drawer
      open={id !== null}
      onClose={onClose}
      title={p ? drawerTitle(p) : 'Payment'}
      description={p ? `${displayMoney(p.amountMinor, p.currency)} · ${gatewayLabel(p.gateway)} ${p.linkId ? 'payment through a reusable link' : KIND_LABEL[p.kind]}${p.mode === 'test' ? ' · test mode' : ''}` : undefined}
    >
      {id !== null && (
        <div className="pay-detail" data-payment-id={id}>
          {detail.error && !detail.data ? (
            <Banner tone="danger" title="Couldn’t load this payment" action={<Button size="sm" onClick={() => void detail.refetch()}>Try again</Button>}>
              {detail.error.message}
            </Banner>
          ) : !detail.data ? (
            <div className="skeleton-list" aria-busy="true" aria-label="Loading payment">
              <div className="skeleton" />
              <div className="skeleton" />
            </div>
          ) : (
            <DetailBody d={detail.data} />
          )}
        </div>
      )}
    </Drawer>
  );
}

const drawerTitle = (p: Payment): string => (p.reusable ? `Reusable link ${p.reference || p.orderRef}` : `Payment ${p.reference || p.orderRef}`);

function DetailBody({ d }: { d: PaymentDetail }) {
  const p = d.payment;
  const attempts = d.attempts ?? [];
  return (
    <div className="stack">
      <StatusBlock p={p} attempts={attempts} paymentCount={p.reusable ? (d.payments ?? []).length : undefined} />
      <LinkBlock p={p} />
      {p.reusable ? (
        <LinkPayments payments={d.payments ?? []} />
      ) : (
        <>
          <Amounts p={p} fees={d.fees} />
          <PaymentRefundPanel payment={p} />
        </>
      )}
      <OrderAttempts p={p} attempts={attempts} />
      <Section title="Timeline">
        <Timeline entries={d.timeline} repeats={d.events.filter((e) => e.applyResult === 'unchanged').length} p={p} />
      </Section>
      <Section title="Customer">
        <dl className="facts">
          {p.reusable ? (
            <Fact label="Customers">Each payment through this link has its own customer (above).</Fact>
          ) : (
            <>
              <Fact label="Name">{p.customerName ?? <span className="muted">—</span>}</Fact>
              <Fact label="Email">{p.customerEmail ?? <span className="muted">—</span>}</Fact>
              <Fact label="Phone">{p.customerPhone ?? <span className="muted">—</span>}</Fact>
              <Fact label="Receipt">{d.notify === false ? 'Not sent by the gateway' : p.customerEmail || p.customerPhone ? `Sent by ${gatewayLabel(p.gateway)}` : <span className="muted">no email or phone given</span>}</Fact>
            </>
          )}
          {p.description && <Fact label="Description">{p.description}</Fact>}
          {Object.entries(p.notes).map(([k, v]) => (
            <Fact key={k} label={k}>{v}</Fact>
          ))}
          <Fact label="Created by">{p.createdBy === 'api' ? 'HTTP API' : 'Console'}</Fact>
        </dl>
      </Section>
      <GatewayIds p={p} />
      <RawEvents events={d.events} />
    </div>
  );
}

function WhenLine({ p }: { p: Payment }) {
  if (p.paidAt !== null && !p.reusable) {
    return <>Paid <time dateTime={isoString(p.paidAt)} title={formatDateTime(p.paidAt)}>{formatRelative(p.paidAt)}</time></>;
  }
  if (p.expiresAt !== null && linkPayable(p)) return <>Expires <time dateTime={isoString(p.expiresAt)}>{formatDateTime(p.expiresAt)}</time></>;
  return <>Created <time dateTime={isoString(p.createdAt)} title={formatDateTime(p.createdAt)}>{formatRelative(p.createdAt)}</time></>;
}

function StatusBlock({ p, attempts, paymentCount }: { p: Payment; attempts: Attempt[]; paymentCount: number | undefined }) {
  const check = useRpcMutation('links.checkStatus');
  const cancel = useRpcMutation('links.cancel');
  const [confirming, setConfirming] = useState(false);
  const attempt = attemptLabel(p, attempts);
  return (
    <div className="pay-status-block" data-testid="payment-status">
      <div className="pay-status-main">
        <span className="pay-status-chips">
          <PaymentStatusChip payment={p} paymentCount={paymentCount} withNote={!p.linkId} />
          <ViaLink p={p} />
        </span>
        {!p.reusable && <Money minor={p.capturedMinor > 0 ? p.capturedMinor : p.amountMinor} currency={p.currency} className="pay-status-amount" />}
      </div>
      {attempt && <p className="muted small" data-testid="attempt-of">{attempt}</p>}
      {p.status === 'failed' && <Reason reason={p.statusReason} testId="status-reason" />}
      {p.status === 'creating' && p.pendingReason && <p className="pay-reason muted">{p.pendingReason}</p>}
      <p className="muted small"><WhenLine p={p} /></p>
      {check.error && <p className="pay-reason tone-danger-text" role="alert">{check.error.message}</p>}
      <div className="pay-actions">
        <Button
          size="sm"
          icon="refresh"
          busy={check.isPending}
          onClick={() =>
            check.mutate({ id: p.id }, {
              onSuccess: (r) => toast.info(r.status === p.status ? `Checked with ${gatewayLabel(p.gateway)}: no change` : `Checked with ${gatewayLabel(p.gateway)}: now ${merchantStatus(r).label}`),
            })
          }
        >
          {check.isPending ? 'Checking…' : 'Check status'}
        </Button>
        {linkPayable(p) && (
          <Button size="sm" variant="ghost" icon="x" className="btn-danger-ghost" onClick={() => setConfirming(true)}>
            Cancel link
          </Button>
        )}
      </div>
      <CancelLinkDialog p={p} open={confirming} onDone={() => setConfirming(false)} cancel={cancel} />
    </div>
  );
}

export function CancelLinkDialog({ p, open, onDone, cancel }: { p: Payment; open: boolean; onDone(): void; cancel: ReturnType<typeof useRpcMutation<'links.cancel'>> }) {
  return (
    <ConfirmDialog
      open={open}
      title={`Cancel the ${p.reusable ? 'reusable ' : ''}link for ${p.reference || p.orderRef}?`}
      confirmLabel="Cancel link"
      dismissLabel="Keep the link"
      busy={cancel.isPending}
      onCancel={() => {
        cancel.reset();
        onDone();
      }}
      onConfirm={() =>
        cancel.mutate({ id: p.id }, {
          onSuccess: () => {
            onDone();
            toast.success(`Link for ${p.orderRef} cancelled`);
          },
        })
      }
    >
      <p>
        {p.reusable ? 'No one can pay with it any more; the payments already made stay as they are.' : `The customer can no longer pay ${displayMoney(p.amountMinor, p.currency)} with it.`} {gatewayLabel(p.gateway)} is told at once; this can’t be undone, but you can create a new link.
      </p>
      {cancel.error && <p className="tone-danger-text" role="alert">{cancel.error.message}</p>}
    </ConfirmDialog>
  );
}

// A Razorpay Order is shared as Paydesk's own pay page: through the public address, or on this computer for the sandbox
const payPageNote = (url: string): string => /^http:\/\/127\.0\.0\.1[:/]/.test(url)
  ? 'Paydesk’s own pay page, which opens Razorpay Checkout. This test address works on this computer only.'
  : 'Paydesk’s own pay page, which opens Razorpay Checkout, served through your public address. ngrok’s free domains show visitors a warning page first: use a reserved domain or your own URL (Webhooks → Tunnel).';

/** The link's URL, copy, open and a QR code drawn locally by core (links.qr). */
export function LinkBlock({ p, qrOpen = false }: { p: Payment; qrOpen?: boolean }) {
  const [showQr, setShowQr] = useState(qrOpen);
  const qr = useRpcQuery('links.qr', { id: p.id }, { enabled: showQr && p.url !== null, staleTime: Infinity });
  if (p.linkId) return null;
  if (!p.url) {
    return (
      <Section title="Link">
        <p className="muted">{p.status === 'creating' ? 'The link appears once the gateway has created it.' : 'This payment has no link to share (it is paid through your own checkout).'}</p>
      </Section>
    );
  }
  const closed = notPayableText(p);
  return (
    <Section
      title="Link"
      aside={
        <button type="button" className="text-link pay-qr-toggle" aria-expanded={showQr} onClick={() => setShowQr((v) => !v)}>
          <PdIcon name="qr" size={14} /> {showQr ? 'Hide QR code' : 'Show QR code'}
        </button>
      }
    >
      <div className="pay-url-row">
        <input className="input mono pay-url" readOnly value={p.url} aria-label="Link URL" onFocus={(e) => e.currentTarget.select()} />
        <CopyButton text={p.url} what="link" />
        <a className="btn btn-secondary btn-sm" href={p.url} target="_blank" rel="noopener noreferrer">
          <PdIcon name="external" />
          <span className="btn-label">Open</span>
        </a>
      </div>
      {closed ? <p className="muted small">{closed}</p> : p.reusable ? <p className="muted small">Reusable: any number of customers can pay with this link until you cancel it.</p> : null}
      {!closed && p.kind === 'razorpay_order' && <p className="muted small" data-testid="pay-page-note">{payPageNote(p.url)}</p>}
      {showQr && (
        <div className="pay-qr">
          {qr.data ? <img src={qr.data.dataUrl} alt={`QR code for ${p.url}`} width={168} height={168} /> : qr.error ? <p className="tone-danger-text">{qr.error.message}</p> : <div className="skeleton pay-qr-skeleton" />}
          <p className="muted small">Show this at the counter: the customer scans it and pays on their phone.</p>
        </div>
      )}
    </Section>
  );
}

const ID_LABELS: [keyof Payment['gatewayIds'], string][] = [
  ['sessionId', 'Checkout Session'],
  ['plinkId', 'Payment Link'],
  ['orderId', 'Order'],
  ['paymentIntentId', 'PaymentIntent'],
  ['chargeId', 'Charge'],
  ['paymentId', 'Payment'],
];

function GatewayIds({ p }: { p: Payment }) {
  const ids: [string, string][] = [['Paydesk', p.id]];
  const seen = new Set<string>([p.id]);
  for (const [k, label] of ID_LABELS) {
    const v = p.gatewayIds[k];
    if (v && !seen.has(v)) {
      seen.add(v);
      ids.push([label, v]);
    }
  }
  return (
    <Section title="Ids">
      <ul className="pay-ids">
        {ids.map(([label, v]) => (
          <li key={label}>
            <span className="muted">{label}</span>
            <code className="mono truncate" title={v}>{v}</code>
            <CopyButton text={v} what={`${label} id`} variant="ghost" />
          </li>
        ))}
      </ul>
    </Section>
  );
}

const num = (v: unknown): number | null => (typeof v === 'number' && Number.isSafeInteger(v) ? v : null);
const str = (v: unknown): string | null => (typeof v === 'string' && v ? v : null);

function describe(e: TimelineEntry, p: Payment): { title: string; tone: 'success' | 'danger' | 'neutral' | 'info'; note?: string } {
  const amount = num(e.detail.amount);
  const money = amount !== null ? displayMoney(amount, p.currency) : null;
  switch (e.kind) {
    case 'created':
      return { title: 'Link created', tone: 'neutral' };
    case 'opened':
      return { title: `Live at ${gatewayLabel(p.gateway)}`, tone: 'info' };
    case 'attempt_failed':
      return { title: 'Payment attempt failed', tone: 'danger', note: declineText(str(e.detail.reason)) ?? undefined };
    case 'authorized':
      return { title: money ? `Authorised ${money}` : 'Authorised', tone: 'info' };
    case 'captured':
      return { title: money ? `Paid ${money}` : 'Paid', tone: 'success' };
    case 'expired':
      return { title: 'Expired', tone: 'neutral' };
    case 'cancelled':
      return { title: 'Cancelled', tone: 'neutral' };
    case 'refund_updated': {
      const status = str(e.detail.status);
      return { title: `Refund${money ? ` of ${money}` : ''}${status ? ` ${status}` : ''}`, tone: status === 'failed' ? 'danger' : 'neutral', note: str(e.detail.refundId) ?? undefined };
    }
    case 'fee_known': {
      const fee = num(e.detail.fee);
      return { title: fee !== null ? `Fee reported: ${displayMoney(fee, p.currency)}` : 'Fee reported', tone: 'neutral' };
    }
    default:
      return { title: e.kind.replace(/_/g, ' '), tone: 'neutral' };
  }
}

const SOURCE: Record<TimelineEntry['source'], string> = { webhook: 'webhook', sync: 'status check', local: 'Paydesk' };

function Timeline({ entries, repeats, p }: { entries: TimelineEntry[]; repeats: number; p: Payment }) {
  // repeats (a duplicate webhook, a late event) only as a count: gateway events that changed nothing leave
  // no timeline entry (core/webhooks/ingest.ts), only their raw event, so `repeats` counts those, plus any
  // recorded entry that is not shown
  const shown = shownTimeline(entries);
  const quiet = entries.length - shown.length + repeats;
  if (shown.length === 0) return <p className="muted">Nothing has happened yet.</p>;
  return (
    <>
      <ol className="pay-timeline">
        {shown.map((e, i) => {
          const d = describe(e, p);
          return (
            <li key={`${e.at}-${i}`} className={`tl-${d.tone}`}>
              <span className="tl-dot" aria-hidden="true" />
              <div>
                <p className="tl-title">{d.title}</p>
                {d.note && <p className="tl-note">{d.note}</p>}
                <p className="muted small">
                  <time dateTime={isoString(e.at)}>{formatDateTime(e.at)}</time> · from {SOURCE[e.source]}
                  {e.gatewayType ? <> · <span className="mono">{e.gatewayType}</span></> : null}
                </p>
              </div>
            </li>
          );
        })}
      </ol>
      {quiet > 0 && <p className="muted small">{quiet} more {quiet === 1 ? 'event' : 'events'} changed nothing (repeats or late arrivals).</p>}
    </>
  );
}

function pretty(body: string): string {
  try {
    return JSON.stringify(JSON.parse(body), null, 2);
  } catch {
    return body;
  }
}

function RawEvents({ events }: { events: PaymentDetail['events'] }) {
  return (
    <Section title={`Webhook events (${events.length})`}>
      {events.length === 0 ? (
        <p className="muted small">No webhook has arrived for this payment. Status checks still keep it up to date.</p>
      ) : (
        <ul className="pay-events">
          {events.map((e) => (
            <li key={e.id}>
              <details>
                <summary>
                  <span className="mono">{e.type}</span>
                  <span className="muted small">{formatDateTime(e.receivedAt)}{e.applyResult ? ` · ${e.applyResult}` : ''}</span>
                </summary>
                <pre className="pay-json">{pretty(e.body)}</pre>
              </details>
            </li>
          ))}
        </ul>
      )}
    </Section>
  );
}
