// Migration 017 on PostgreSQL: the list's status index also holds expires_at (see ../../migrations/017-open-count-index.ts).
export const OPEN_COUNT_INDEX = /* sql */ `
DROP INDEX payments_by_list_status;
CREATE INDEX payments_by_list_status ON payments (livemode, status, refund_state, gateway, account_id, created_at, expires_at);
`;
