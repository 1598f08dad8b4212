// What every part of the refunds service shares: its dependencies, the per-payment queue and the emitters.
import type { AnnouncePayment } from '../payments/announce';
import { AppError } from '../../../shared/errors';
import type { AuditEntryInput } from '../audit';
import type { CoreEvents } from '../events';
import type { Gateways } from '../gateways/gateway';
import { RefundCallError, type RefundOutcome, type RefundPort } from '../gateways/ports/refunds';
import type { Log } from '../log';
import type { OperatorsService } from '../operators/service';
import type { PaymentChange } from '../payments/apply';
import type { Transact } from '../store';
import type { AccountsRepo } from '../store/repos/accounts';
import type { AuditRepo } from '../store/repos/audit';
import type { PaymentsRepo } from '../store/repos/payments';
import type { RefundsRepo } from '../store/repos/refunds';
import type { Clock } from '../types';
import type { createKeyedQueue } from './queue';

export interface RefundsDeps {
  repos: { refunds: RefundsRepo; payments: PaymentsRepo; accounts: AccountsRepo };
  transaction: Transact;
  gateways: Pick<Gateways, 'client'>;
  operators: Pick<OperatorsService, 'limitFor' | 'verifyApproval'>;
  /** where recordAudit appends (the store's audit repository, whose listeners push audit.appended) */
  audit: AuditRepo;
  events: CoreEvents;
  /** payment.changed, with the payment as it is now */
  announce: AnnouncePayment;
  clock: Clock;
  log: Log;
  /** periodic recovery pass; 0 = off (default 60 s) */
  recoveryIntervalMs?: number;
}

export interface RefundsCtx {
  d: RefundsDeps;
  queue: ReturnType<typeof createKeyedQueue>;
  /** the account's refund port (throws AppError without keys or with the sandbox off) */
  portOf(accountId: string): RefundPort;
  record(entry: AuditEntryInput): void;
  emitRefund(id: string): void;
  emitPayment(change: PaymentChange | null): void;
}

/** What to do after a failed gateway call, and the error to show. */
export interface Outcome {
  kind: RefundOutcome;
  error: AppError;
}

/** A thrown error as an Outcome: ports classify theirs; anything else is retried only when it says so. */
export function outcomeOf(err: unknown): Outcome {
  if (err instanceof RefundCallError) return { kind: err.outcome, error: err };
  if (err instanceof AppError) return { kind: err.retryable ? 'retry' : 'refused', error: err };
  return { kind: 'refused', error: new AppError('internal', 'Unexpected error talking to the gateway', { cause: err }) };
}

/**
 * PostgreSQL's SQLSTATEs when a wait for the row lock ran out: lock_timeout (55P03), or statement_timeout
 * (57014). lock_timeout bounds each wait, and a row with a second waiter is two waits (first for the other
 * waiter's tuple lock, then for the holder's transaction), so statement_timeout can end it first.
 */
const WAIT_RAN_OUT = new Set(['55P03', '57014']);

/**
 * Inside a transaction: the payment's row lock, so refunds and captures of one payment on different desks
 * of a team take turns (a no-op on SQLite, whose write transaction is one at a time already). A wait that
 * runs out means another desk holds the payment for longer than a gateway call should take.
 */
export function lockPayment(d: Pick<RefundsDeps, 'repos'>, paymentId: string): void {
  try {
    d.repos.payments.lockForChange(paymentId);
  } catch (err) {
    if (!WAIT_RAN_OUT.has(String((err as { code?: unknown } | null)?.code))) throw err;
    throw new AppError('conflict', 'Another desk is refunding or capturing this payment; try again in a moment.', { retryable: true, cause: err });
  }
}

/** The note left on a row whose call got no answer. */
export const retryNote = (o: Outcome): string => `${o.error.message} Paydesk will try again with the same key.`;
