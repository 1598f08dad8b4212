// Migration 018 on PostgreSQL: the paid_at index also holds the mode, the captured amount and the currency
// (see ../../migrations/018-paid-cover-index.ts).
export const PAID_COVER_INDEX = /* sql */ `
DROP INDEX payments_by_paid;
CREATE INDEX payments_by_paid ON payments (paid_at, livemode, captured_minor, currency) WHERE paid_at IS NOT NULL;
`;
