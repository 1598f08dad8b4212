// Migration 019 on PostgreSQL: payments_by_status_created goes (see ../../migrations/019-status-index.ts).
export const STATUS_INDEX = /* sql */ `
DROP INDEX payments_by_status_created;
`;
