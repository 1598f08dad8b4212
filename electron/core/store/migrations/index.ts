// Every migration, in order. To add one: create `NNN-slug.ts` exporting `migration` and append it here.
// The runner asserts the versions are 1, 2, 3 ... without gaps. Never edit a migration once released:
// its checksum is recorded when applied and a changed one is refused.
import type { Migration } from './types';
import { migration as m001 } from './001-foundation';
import { migration as m002 } from './002-payments';
import { migration as m003 } from './003-refunds';
import { migration as m004 } from './004-settlements';
import { migration as m005 } from './005-reconciliation';
import { migration as m006 } from './006-search-text-only';
import { migration as m007 } from './007-list-indexes';
import { migration as m008 } from './008-pin-failures';
import { migration as m009 } from './009-webhook-replay-guards';
import { migration as m010 } from './010-payments-by-url';
import { migration as m011 } from './011-orders-attempts';
import { migration as m012 } from './012-api-idempotency';
import { migration as m013 } from './013-manual-payouts';
import { migration as m014 } from './014-callback-outbox';
import { migration as m015 } from './015-api-rate';
import { migration as m016 } from './016-team';
import { migration as m017 } from './017-open-count-index';
import { migration as m018 } from './018-paid-cover-index';
import { migration as m019 } from './019-status-index';

export type { Migration } from './types';

export const migrations: readonly Migration[] = [
  m001,
  m002,
  m003,
  m004,
  m005,
  m006,
  m007,
  m008,
  m009,
  m010,
  m011,
  m012,
  m013,
  m014,
  m015,
  m016,
  m017,
  m018,
  m019,
];
