// Open reconciliation flags: paid here but unknown at the gateway, amount or currency differs, settled at
// the gateway but not made in Paydesk (external), not settled after N days.
import { useState } from 'react';
import type { FlagRow, Mode, ReconFlag } from '../../../../shared/contract';
import { useRpcQuery } from '../../api/hooks';
import { Card } from '../../components';
import { formatRelative } from '../../format/dates';
import { hrefFor } from '../../router';
import { GatewayMark } from '../settings/account-labels';
import { FLAG_HELP, FLAG_LABEL, FlagChip } from './labels';

const ORDER: ReconFlag[] = ['unknown_at_gateway', 'amount_mismatch', 'currency_mismatch', 'not_settled', 'external'];

export function FlagsCard({ mode, counts }: { mode: Mode; counts: Record<ReconFlag, number> }) {
  const [flag, setFlag] = useState<ReconFlag | null>(null);
  const total = ORDER.reduce((n, f) => n + counts[f], 0);
  const list = useRpcQuery('reports.flags', flag ? { mode, flag, limit: 100 } : { mode, limit: 100 }, { enabled: total > 0 });
  return (
    <Card
      id="flags"
      title="Needs a look"
      description={total === 0 ? 'Nothing flagged in this period: every payment and refund matched a payout or is waiting within its usual time.' : 'Open reconciliation flags, newest first.'}
    >
      {total > 0 && (
        <>
          <div className="flag-filters" role="group" aria-label="Show flags">
            <button type="button" className={flag === null ? 'flag-filter is-selected' : 'flag-filter'} aria-pressed={flag === null} onClick={() => setFlag(null)}>
              All <span className="flag-count">{total}</span>
            </button>
            {ORDER.filter((f) => counts[f] > 0).map((f) => (
              <button type="button" key={f} title={FLAG_HELP[f]} className={flag === f ? 'flag-filter is-selected' : 'flag-filter'} aria-pressed={flag === f} onClick={() => setFlag(f)}>
                {FLAG_LABEL[f]} <span className="flag-count">{counts[f]}</span>
              </button>
            ))}
          </div>
          <ul className="flag-list" aria-label="Flags">
            {(list.data?.rows ?? []).map((r) => (
              <FlagItem key={r.id} r={r} />
            ))}
          </ul>
          {list.data && list.data.total > list.data.rows.length && <p className="muted small">Showing {list.data.rows.length} of {list.data.total}.</p>}
        </>
      )}
    </Card>
  );
}

function FlagItem({ r }: { r: FlagRow }) {
  const target = r.paymentId ? hrefFor('payments', r.paymentId) : null;
  return (
    <li className="flag-item">
      <GatewayMark gateway={r.gateway} />
      <div className="flag-main">
        <FlagChip flag={r.flag} />
        <span className="mono small muted truncate">{r.gatewayRef ?? r.refundId ?? r.paymentId ?? ''}</span>
      </div>
      <span className="muted small">since {formatRelative(r.firstSeenAt)}</span>
      {target ? (
        <a className="text-link small" href={target}>
          Open payment
        </a>
      ) : (
        <span className="muted small">Only at the gateway</span>
      )}
    </li>
  );
}
