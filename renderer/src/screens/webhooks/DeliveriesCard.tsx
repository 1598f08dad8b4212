// Each delivery a gateway sent: when, which gateway and account, the event type, whether its signature
// checked out, and what it did (applied, no change, duplicate...). Refused ones are counted per minute.
import { useState } from 'react';
import type { DeliveryRow } from '../../../../shared/contract';
import { useRpcQuery } from '../../api/hooks';
import { Button, Card, StatusChip, type ChipTone } from '../../components';
import { formatDateTime, formatRelative } from '../../format/dates';
import { hrefFor } from '../../router';
import { GatewayMark } from '../settings/account-labels';

const RESULT: Record<DeliveryRow['result'], { word: string; tone: ChipTone; help: string }> = {
  applied: { word: 'Applied', tone: 'success', help: 'It changed a payment.' },
  no_change: { word: 'Already known', tone: 'neutral', help: 'Applied; Paydesk already knew this (from another event or a sync).' },
  unmatched: { word: 'No matching payment', tone: 'warning', help: 'About a payment Paydesk did not create; kept and matched if one appears.' },
  ignored: { word: 'Ignored', tone: 'neutral', help: 'An event type Paydesk does not use.' },
  error: { word: 'Failed to apply', tone: 'danger', help: 'Stored, but applying it failed; sync will catch up.' },
  pending: { word: 'Applying…', tone: 'info', help: 'Stored and acknowledged; being applied.' },
  refused: { word: 'Refused', tone: 'danger', help: 'Rejected with 400 (or 503 without a secret); nothing changed.' },
};

export function DeliveriesCard() {
  const [pages, setPages] = useState<string[]>([]);
  const first = useRpcQuery('webhooks.deliveries', { limit: 50 }, { refetchInterval: 15_000 });
  const data = first.data;
  return (
    <Card
      id="deliveries"
      title="Received deliveries"
      description={
        data
          ? `Newest first. ${data.duplicatesSinceStart > 0 ? `${data.duplicatesSinceStart} repeated ${data.duplicatesSinceStart === 1 ? 'delivery' : 'deliveries'} of events already stored were acknowledged and ignored since Paydesk started.` : 'A repeated delivery of an event already stored is acknowledged and ignored.'}`
          : undefined
      }
      className="table-flush"
    >
      {data && data.rows.length === 0 ? (
        <p className="muted deliveries-empty">Nothing received yet. Once the public address is online, gateways send an event for every payment and refund.</p>
      ) : (
        <div className="dtable" role="table" aria-label="Received deliveries">
          <div className="dtable-row dtable-head" role="row">
            <span role="columnheader">Received</span>
            <span role="columnheader">Account</span>
            <span role="columnheader">Event</span>
            <span role="columnheader">Signature</span>
            <span role="columnheader">Result</span>
          </div>
          {data?.rows.map((r) => (
            <DeliveryRowView key={r.id} r={r} />
          ))}
          {pages.map((cursor) => (
            <MorePage key={cursor} cursor={cursor} />
          ))}
          {data?.nextCursor && pages.length === 0 && (
            <div className="rtable-foot">
              <Button size="sm" onClick={() => setPages([data.nextCursor!])}>
                Show older
              </Button>
            </div>
          )}
        </div>
      )}
    </Card>
  );
}

function MorePage({ cursor }: { cursor: string }) {
  const q = useRpcQuery('webhooks.deliveries', { limit: 100, cursor });
  return <>{q.data?.rows.map((r) => <DeliveryRowView key={r.id} r={r} />)}</>;
}

function DeliveryRowView({ r }: { r: DeliveryRow }) {
  const res = RESULT[r.result];
  return (
    <div className="dtable-row" role="row" data-result={r.result} data-event-type={r.eventType ?? ''}>
      <span role="cell">
        <time dateTime={new Date(r.at).toISOString()} title={formatDateTime(r.at)}>
          {formatRelative(r.at)}
        </time>
      </span>
      <span role="cell" className="stable-account">
        <GatewayMark gateway={r.gateway} />
        <span className="truncate">{r.accountLabel ?? r.accountId}</span>
      </span>
      <span role="cell" className="dtable-event">
        <span className="mono truncate">{r.eventType ?? (r.count > 1 ? `${r.count} deliveries` : 'Delivery')}</span>
        {r.eventId && <span className="mono muted small truncate">{r.eventId}</span>}
      </span>
      <span role="cell">
        {r.signature === 'refused' ? (
          <StatusChip tone="danger" title={r.detail ?? undefined}>
            Invalid
          </StatusChip>
        ) : (
          <StatusChip tone="success" title={r.signature === 'valid_previous_secret' ? 'Verified with the previous secret (during a change of secret)' : undefined}>
            Valid
          </StatusChip>
        )}
      </span>
      <span role="cell" className="dtable-result">
        <StatusChip tone={res.tone} title={res.help}>
          {res.word}
          {r.result === 'refused' && r.count > 1 ? ` ×${r.count}` : ''}
        </StatusChip>
        {r.paymentId && (
          <a className="text-link small" href={hrefFor('payments', r.paymentId)}>
            Payment
          </a>
        )}
        {r.result === 'refused' && r.detail && <span className="muted small truncate">{r.detail}</span>}
      </span>
    </div>
  );
}
