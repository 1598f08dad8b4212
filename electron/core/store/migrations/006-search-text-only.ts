// Migration 006: the full-text index holds the merchant's text only (order ref, customer, description);
// gateway ids leave it. In 002 it also held every gateway id, so the webhook that turned a payment paid
// (and taught it its pi_/ch_/pay_ ids) rewrote the payment's whole trigram row inside the ingest's group
// commit: the heaviest part of the heaviest event (bench:webhooks). Gateway ids are looked up through
// their own indexes instead (002's payments_by_session ... payments_by_gateway_payment), by exact id or
// prefix (electron/core/payments/overview.ts), which is how people search for an id: they paste it.
// The update trigger now names its columns (AFTER UPDATE OF ...), so an UPDATE that sets status, amounts
// or ids never even evaluates it.
import type { Migration } from './types';

const TEXT_COLUMNS = 'order_ref, customer_name, customer_email, customer_phone, description';
const NEW_VALUES = 'new.order_ref, new.customer_name, new.customer_email, new.customer_phone, new.description';

export const migration: Migration = {
  version: 6,
  name: 'search-text-only',
  sql: /* sql */ `
DROP TRIGGER payments_fts_insert;
DROP TRIGGER payments_fts_update;
DROP TRIGGER payments_fts_delete;
DROP TABLE payments_fts;

CREATE VIRTUAL TABLE payments_fts USING fts5 (
  ${TEXT_COLUMNS},
  tokenize = 'trigram'
);
INSERT INTO payments_fts (rowid, ${TEXT_COLUMNS}) SELECT rowid, ${TEXT_COLUMNS} FROM payments;

CREATE TRIGGER payments_fts_insert AFTER INSERT ON payments BEGIN
  INSERT INTO payments_fts (rowid, ${TEXT_COLUMNS}) VALUES (new.rowid, ${NEW_VALUES});
END;

CREATE TRIGGER payments_fts_update AFTER UPDATE OF ${TEXT_COLUMNS} ON payments
WHEN old.order_ref IS NOT new.order_ref OR old.customer_name IS NOT new.customer_name OR old.customer_email IS NOT new.customer_email
  OR old.customer_phone IS NOT new.customer_phone OR old.description IS NOT new.description
BEGIN
  DELETE FROM payments_fts WHERE rowid = old.rowid;
  INSERT INTO payments_fts (rowid, ${TEXT_COLUMNS}) VALUES (new.rowid, ${NEW_VALUES});
END;

CREATE TRIGGER payments_fts_delete AFTER DELETE ON payments BEGIN
  DELETE FROM payments_fts WHERE rowid = old.rowid;
END;
`,
};
