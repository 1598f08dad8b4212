// The ingest's counters: its stats, the refused deliveries waiting to be written to security_events
// (one row per kind, account and minute), and the per-account summaries behind `webhook.received`.
import type { Gateway } from '../../../shared/gateways';
import type { SecurityKind, WebhookEventsRepo } from '../store/repos/webhook-events';

/** Coalesced per batch and account, for a `webhook.received` core event. */
export interface ReceivedSummary {
  gateway: Gateway;
  accountId: string;
  stored: number;
  duplicates: number;
  rejected: number;
  lastType: string | null;
  lastRejection: SecurityKind | null;
}

export interface IngestStats {
  stored: number;
  duplicates: number;
  rejected: Record<SecurityKind, number>;
  storageErrors: number;
  batches: number;
  largestBatch: number;
  applied: number;
  applyErrors: number;
  unmatched: number;
}

export interface Refused {
  gateway: Gateway;
  accountId: string;
  receivedAt: number;
}

const SECURITY_KINDS: SecurityKind[] = ['missing_signature', 'bad_signature', 'stale_signature', 'future_timestamp', 'replayed', 'malformed', 'mode_mismatch', 'secret_missing'];

interface SecurityCount { kind: SecurityKind; gateway: Gateway; accountId: string; bucket: number; count: number; first: number; last: number; detail: string }

export type IngestCounters = ReturnType<typeof createCounters>;

export function createCounters(events: WebhookEventsRepo, keysPerMinute: number) {
  const stats: IngestStats = {
    stored: 0,
    duplicates: 0,
    rejected: Object.fromEntries(SECURITY_KINDS.map((k) => [k, 0])) as Record<SecurityKind, number>,
    storageErrors: 0,
    batches: 0,
    largestBatch: 0,
    applied: 0,
    applyErrors: 0,
    unmatched: 0,
  };
  // security counters waiting for the next commit
  const security = new Map<string, SecurityCount>();
  const received = new Map<string, ReceivedSummary>();

  function summaryFor(gateway: Gateway, accountId: string): ReceivedSummary {
    const key = `${gateway}|${accountId}`;
    let s = received.get(key);
    if (!s) {
      s = { gateway, accountId, stored: 0, duplicates: 0, rejected: 0, lastType: null, lastRejection: null };
      received.set(key, s);
    }
    return s;
  }

  return {
    stats,
    summaryFor,
    /** counts a refused delivery; past `keysPerMinute` distinct rows a minute they fold into account '*' */
    refuse(kind: SecurityKind, d: Refused, detail: string): void {
      stats.rejected[kind]++;
      const at = d.receivedAt;
      const bucket = at - (at % 60_000);
      let accountId = d.accountId;
      let key = `${kind}|${d.gateway}|${accountId}|${bucket}`;
      if (!security.has(key) && security.size >= keysPerMinute) {
        accountId = '*';
        key = `${kind}|${d.gateway}|*|${bucket}`;
      }
      const cur = security.get(key);
      if (cur) {
        cur.count++;
        cur.last = Math.max(cur.last, at);
        cur.detail = detail;
      } else security.set(key, { kind, gateway: d.gateway, accountId, bucket, count: 1, first: at, last: at, detail });
      const s = summaryFor(d.gateway, accountId);
      s.rejected++;
      s.lastRejection = kind;
    },
    hasSecurity: (): boolean => security.size > 0,
    /** writes the waiting security counters; clearSecurity() once the transaction committed */
    writeSecurity(): void {
      for (const s of security.values()) events.addSecurity(s.kind, s.gateway, s.accountId, s.bucket, s.count, s.first, s.last, s.detail);
    },
    clearSecurity: (): void => security.clear(),
    /** the summaries gathered since the last call */
    takeReceived(): ReceivedSummary[] {
      if (received.size === 0) return [];
      const all = [...received.values()];
      received.clear();
      return all;
    },
  };
}
