// The link just created: its URL to copy or open, a QR code, and its status, kept live by pushed
// payment.changed events (payments.get is invalidated by them; the renderer never polls).
import { useState } from 'react';
import type { Payment } from '../../../../shared/contract';
import { gatewayLabel } from '../../../../shared/gateways';
import { useRpcMutation, useRpcQuery } from '../../api/hooks';
import { Banner, Button, ButtonLink, Card, Money } from '../../components';
import { CopyButton } from '../../components/CopyButton';
import { formatDateTime, isoString } from '../../format/dates';
import { hrefFor } from '../../router';
import { CancelLinkDialog } from '../payments/PaymentDrawer';
import { PdIcon } from '../payments/icons';
import { NotifyMeButton } from '../payments/notifications';
import { CANCELLABLE, KIND_LABEL, PaymentStatusChip } from '../payments/payment-labels';
import { declineText } from '../../../../shared/declines';

export function LinkResult({ id, initial, onAnother }: { id: string; initial: Payment; onAnother(): void }) {
  const detail = useRpcQuery('payments.get', { id });
  const p = detail.data?.payment ?? initial;
  const qr = useRpcQuery('links.qr', { id }, { enabled: p.url !== null, staleTime: Infinity });
  const cancel = useRpcMutation('links.cancel');
  const [confirming, setConfirming] = useState(false);
  const paid = p.status === 'paid' || p.status === 'partially_paid';

  return (
    <div className="link-result" data-payment-id={p.id} data-status={p.displayStatus}>
      {paid ? (
        <Banner tone="success" title={`Paid: ${p.orderRef}`}>
          The customer paid <Money minor={p.capturedMinor} currency={p.currency} />
          {p.paidAt !== null && <> at <time dateTime={isoString(p.paidAt)}>{formatDateTime(p.paidAt)}</time></>}.
        </Banner>
      ) : p.status === 'failed' && p.statusReason ? (
        <Banner tone="warning" title="The customer’s payment failed">
          {declineText(p.statusReason)} The link stays open, so they can try again.
        </Banner>
      ) : null}

      <Card
        id="link-result"
        title={p.status === 'creating' ? 'Creating the link…' : 'Link ready to share'}
        description={`${gatewayLabel(p.gateway)} ${KIND_LABEL[p.kind]} for order ${p.orderRef}`}
        actions={<NotifyMeButton />}
      >
        <div className="link-result-body">
          <div className="link-result-main">
            <div className="link-result-status">
              <span className="muted small">Status</span>
              <span data-testid="link-status">
                <PaymentStatusChip payment={p} />
              </span>
              <span className="link-result-amount">
                <Money minor={p.amountMinor} currency={p.currency} />
              </span>
            </div>
            {p.status === 'creating' && p.pendingReason && <p className="muted">{p.pendingReason}</p>}

            {p.url && (
              <>
                <label className="field-label" htmlFor="link-url">
                  Link
                </label>
                <div className="pay-url-row">
                  <input id="link-url" className="input mono pay-url" readOnly value={p.url} onFocus={(e) => e.currentTarget.select()} />
                  <CopyButton text={p.url} what="link" size="md" variant="primary" />
                </div>
                <div className="link-result-actions">
                  <a className="btn btn-secondary" href={p.url} target="_blank" rel="noopener noreferrer">
                    <PdIcon name="external" />
                    <span className="btn-label">Open</span>
                  </a>
                  {CANCELLABLE.has(p.status) && (
                    <Button variant="ghost" icon="x" className="btn-danger-ghost" onClick={() => setConfirming(true)}>
                      Cancel link
                    </Button>
                  )}
                </div>
              </>
            )}
            <dl className="facts link-result-facts">
              {p.customerName || p.customerEmail || p.customerPhone ? (
                <div>
                  <dt>Customer</dt>
                  <dd>{[p.customerName, p.customerEmail, p.customerPhone].filter(Boolean).join(' · ')}</dd>
                </div>
              ) : null}
              {p.description && (
                <div>
                  <dt>Description</dt>
                  <dd>{p.description}</dd>
                </div>
              )}
              <div>
                <dt>Expires</dt>
                <dd>{p.expiresAt !== null ? <time dateTime={isoString(p.expiresAt)}>{formatDateTime(p.expiresAt)}</time> : 'Never (cancel it when done)'}</dd>
              </div>
            </dl>
          </div>
          {p.url && (
            <figure className="link-qr">
              {qr.data ? <img src={qr.data.dataUrl} alt={`QR code for the payment link of ${p.orderRef}`} width={184} height={184} /> : <div className="skeleton pay-qr-skeleton" />}
              <figcaption className="muted small">Scan to pay</figcaption>
            </figure>
          )}
        </div>
        <footer className="link-result-foot">
          <Button variant="secondary" icon="plus" onClick={onAnother}>
            Create another link
          </Button>
          <ButtonLink href={hrefFor('payments', p.id)} variant="ghost">
            View payment details
          </ButtonLink>
        </footer>
      </Card>
      <CancelLinkDialog p={p} open={confirming} onDone={() => setConfirming(false)} cancel={cancel} />
    </div>
  );
}
