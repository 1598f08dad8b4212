// The Webhooks screen's deliveries list: verified events (webhook_events) and refused deliveries
// (security_events, one counter row per kind/account/minute), merged newest first with a keyset cursor.
// Metadata only: the raw body is never selected, and security_events holds no body, header or secret.
import type { Gateway } from '../../../../shared/gateways';
import type { DeliveryRow } from '../../../../shared/contract';
import type { SqlDb } from '../sql';
import type { WebhookEventRow } from './webhook-events';

export interface DeliveriesQuery {
  limit?: number | undefined;
  cursor?: string | undefined;
  accountId?: string | undefined;
}

/** a stored event as the list selects it: no body, and the account's label */
type EventRaw = Pick<WebhookEventRow, 'id' | 'gateway' | 'account_id' | 'event_id' | 'type' | 'livemode' | 'received_at' | 'applied_at' | 'apply_result' | 'payment_id' | 'error'> & {
  signature: 'valid' | 'valid_previous_secret';
  label: string | null;
};

interface RefusedRaw {
  id: number;
  kind: string;
  gateway: Gateway;
  account_id: string;
  count: number;
  last_at: number;
  detail: string | null;
  label: string | null;
  mode: string | null;
}

// order: (at DESC, kind DESC, id DESC) where kind 1 = stored event, 0 = refused counter
interface Cursor {
  at: number;
  kind: 0 | 1;
  id: number;
}

const encodeCursor = (c: Cursor): string => `${c.at}.${c.kind}.${c.id}`;

function decodeCursor(raw: string | undefined): Cursor | null {
  if (!raw) return null;
  const m = /^(\d{1,16})\.([01])\.(\d{1,16})$/.exec(raw);
  if (!m) return null;
  return { at: Number(m[1]), kind: Number(m[2]) as 0 | 1, id: Number(m[3]) };
}

const REFUSAL_WORDS: Record<string, string> = {
  missing_signature: 'No signature header',
  bad_signature: 'The signature did not match the webhook secret',
  stale_signature: 'The signature was too old (replay protection)',
  future_timestamp: "Dated more than 5 minutes ahead of this computer's clock (replay protection): check the clock",
  replayed: 'Already seen with another signature (replay)',
  malformed: 'The body was not a gateway event',
  mode_mismatch: 'A test event sent to a live account, or the reverse',
  secret_missing: 'No webhook secret is set for this account yet (answered 503 so the gateway retries)',
};

const RESULT: Record<NonNullable<EventRaw['apply_result']>, DeliveryRow['result']> = {
  changed: 'applied',
  unchanged: 'no_change',
  unmatched: 'unmatched',
  ignored: 'ignored',
  error: 'error',
};

export function deliveriesRepo(db: SqlDb) {
  // the cursor comparisons use row values; (at, kind, id) < (?, ?, ?) keeps the merged order exact
  const eventsSql = (filtered: boolean, paged: boolean) => `SELECT e.id, e.gateway, e.account_id, e.event_id, e.type, e.livemode, e.signature,
      e.received_at, e.applied_at, e.apply_result, e.payment_id, e.error, a.label
    FROM webhook_events e LEFT JOIN accounts a ON a.id = e.account_id
    WHERE 1 = 1 ${filtered ? 'AND e.account_id = @accountId' : ''} ${paged ? 'AND (e.received_at, 1, e.id) < (@at, @kind, @id)' : ''}
    ORDER BY e.received_at DESC, e.id DESC LIMIT @limit`;
  const refusedSql = (filtered: boolean, paged: boolean) => `SELECT s.id, s.kind, s.gateway, s.account_id, s.count, s.last_at, s.detail, a.label, a.mode
    FROM security_events s LEFT JOIN accounts a ON a.id = s.account_id
    WHERE 1 = 1 ${filtered ? 'AND s.account_id = @accountId' : ''} ${paged ? 'AND (s.last_at, 0, s.id) < (@at, @kind, @id)' : ''}
    ORDER BY s.last_at DESC, s.id DESC LIMIT @limit`;
  const stmts = new Map<string, ReturnType<SqlDb['prepare']>>();
  const stmt = (sql: string) => {
    let s = stmts.get(sql);
    if (!s) stmts.set(sql, (s = db.prepare(sql)));
    return s;
  };

  return {
    list(q: DeliveriesQuery): { rows: DeliveryRow[]; nextCursor: string | null } {
      const limit = Math.min(Math.max(q.limit ?? 50, 1), 200);
      const cursor = decodeCursor(q.cursor);
      const params: Record<string, unknown> = { limit: limit + 1 };
      if (q.accountId) params.accountId = q.accountId;
      if (cursor) Object.assign(params, cursor);
      const events = stmt(eventsSql(!!q.accountId, !!cursor)).all(params) as EventRaw[];
      const refused = stmt(refusedSql(!!q.accountId, !!cursor)).all(params) as RefusedRaw[];

      const merged: { key: Cursor; row: DeliveryRow }[] = [
        ...events.map((e) => ({
          key: { at: e.received_at, kind: 1 as const, id: e.id },
          row: {
            id: `e${e.id}`,
            gateway: e.gateway,
            accountId: e.account_id,
            accountLabel: e.label,
            at: e.received_at,
            eventType: e.type,
            eventId: e.event_id,
            signature: e.signature,
            refusal: null,
            result: e.apply_result ? RESULT[e.apply_result] : 'pending',
            count: 1,
            paymentId: e.payment_id,
            detail: e.error ? e.error.slice(0, 300) : null,
            livemode: e.livemode === 1,
          } satisfies DeliveryRow,
        })),
        ...refused.map((s) => ({
          key: { at: s.last_at, kind: 0 as const, id: s.id },
          row: {
            id: `r${s.id}`,
            gateway: s.gateway,
            accountId: s.account_id,
            accountLabel: s.label,
            at: s.last_at,
            eventType: null,
            eventId: null,
            signature: 'refused',
            refusal: s.kind,
            result: 'refused',
            count: s.count,
            paymentId: null,
            detail: REFUSAL_WORDS[s.kind] ?? s.detail?.slice(0, 300) ?? null,
            livemode: s.mode ? s.mode === 'live' : null,
          } satisfies DeliveryRow,
        })),
      ];
      merged.sort((a, b) => b.key.at - a.key.at || b.key.kind - a.key.kind || b.key.id - a.key.id);
      const page = merged.slice(0, limit);
      const more = merged.length > limit;
      return { rows: page.map((m) => m.row), nextCursor: more && page.length > 0 ? encodeCursor(page[page.length - 1]!.key) : null };
    },
  };
}

export type DeliveriesRepo = ReturnType<typeof deliveriesRepo>;
