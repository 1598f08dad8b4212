// Refunds and captures: serialised per payment, recorded before the gateway call, recovered after a crash.
export { createRefundsService, type RefundsService, type RefundsDeps, type RefundRow } from './service';
