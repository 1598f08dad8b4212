// Migration 010: an index on the payment link's URL. The desktop shell opens a link in the system browser
// only when it leads to a gateway, to a host an owner allowed, or is, exactly, a link Paydesk made (a
// gateway may serve links from the merchant's own domain); that last check is a look-up by URL on every
// click, which without this index reads the whole payments table. Links still being created have no URL.
import type { Migration } from './types';

export const migration: Migration = {
  version: 10,
  name: 'payments-by-url',
  sql: /* sql */ `
CREATE INDEX payments_by_url ON payments (url) WHERE url IS NOT NULL;
`,
};
