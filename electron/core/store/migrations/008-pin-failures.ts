// Migration 008: wrong-PIN counts survive a restart. They lived in memory, so quitting and reopening the
// app reset the backoff (after 4 wrong PINs: 30 s, doubling up to 15 min) and made guessing a staff or
// owner PIN only as slow as a restart. One row per operator (or '*unknown*' for an unknown id), deleted on
// a right PIN or a PIN change.
import type { Migration } from './types';

export const migration: Migration = {
  version: 8,
  name: 'pin-failures',
  sql: /* sql */ `
CREATE TABLE pin_failures (
  operator_key  TEXT    NOT NULL PRIMARY KEY,
  fails         INTEGER NOT NULL CHECK (fails > 0),
  -- ms since the epoch until which a PIN for this operator is not even checked; 0 = no wait
  until_at      INTEGER NOT NULL
) STRICT;
`,
};
