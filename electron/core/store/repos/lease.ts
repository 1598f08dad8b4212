// The team's leases (team_lease): which desk runs the singleton jobs. Expiry is measured on the DATABASE's
// clock, because the desks' clocks differ: a holder renews before expires_at, another desk takes the row once
// it has passed. Each call is one autocommitted statement on one row, so a desk holds the row's lock only for
// that statement: two leases can run in one process (tests) without waiting on each other.
//
// `at` lets a test supply the time instead of the database's clock (null: the database's clock).
import { dialect, type SqlDb } from '../sql';

export interface LeaseRow {
  name: string;
  holder_id: string;
  holder_name: string;
  acquired_at: number;
  renewed_at: number;
  expires_at: number;
  public_url: string | null;
}

/** a lease as read, with the database's clock at the time of reading */
export interface LeaseRead {
  row: LeaseRow | null;
  dbNow: number;
}

export interface LeaseTake {
  name: string;
  holderId: string;
  holderName: string;
  ttlMs: number;
  /** the time to use instead of the database's clock (tests); null: the database's clock */
  at: number | null;
}

/** epoch milliseconds on the database's clock, or @at when given */
const nowOf = (db: SqlDb): string => dialect(db, {
  sqlite: "COALESCE(@at, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER))",
  postgres: 'COALESCE(CAST(@at AS bigint), CAST(extract(epoch FROM statement_timestamp()) * 1000 AS bigint))',
});

export function leaseRepo(db: SqlDb) {
  const now = nowOf(db);
  const ttl = dialect(db, { sqlite: '@ttl', postgres: 'CAST(@ttl AS bigint)' });
  const insertStmt = db.prepare<LeaseRow>(`INSERT INTO team_lease (name, holder_id, holder_name, acquired_at, renewed_at, expires_at, public_url)
    VALUES (@name, @holder, @holderName, ${now}, ${now}, ${now} + ${ttl}, NULL)
    ON CONFLICT (name) DO NOTHING
    RETURNING *`);
  // renewing keeps acquired_at; taking over an expired lease starts it again. public_url stays: it is what
  // the previous holder registered, so the new one can tell whether the gateways' endpoint must move.
  const takeStmt = db.prepare<LeaseRow>(`UPDATE team_lease SET
      acquired_at = CASE WHEN holder_id = @holder THEN acquired_at ELSE ${now} END,
      holder_id = @holder, holder_name = @holderName, renewed_at = ${now}, expires_at = ${now} + ${ttl}
    WHERE name = @name AND (holder_id = @holder OR expires_at < ${now})
    RETURNING *`);
  const readStmt = db.prepare<LeaseRow & { db_now: number }>(`SELECT team_lease.*, ${now} AS db_now FROM team_lease WHERE name = @name`);
  const clockStmt = db.prepare<{ db_now: number }>(`SELECT ${now} AS db_now`);
  // released: expired at once (the next desk takes it on its next try), holder and public_url kept for it to see
  const releaseStmt = db.prepare('UPDATE team_lease SET expires_at = 0 WHERE name = @name AND holder_id = @holder');
  const publicUrlStmt = db.prepare('UPDATE team_lease SET public_url = @url WHERE name = @name AND holder_id = @holder');

  const numbers = (r: LeaseRow): LeaseRow => ({
    name: r.name, holder_id: r.holder_id, holder_name: r.holder_name, public_url: r.public_url ?? null,
    acquired_at: Number(r.acquired_at), renewed_at: Number(r.renewed_at), expires_at: Number(r.expires_at),
  });

  return {
    /** takes the lease when free or expired, renews it when held by `holderId`; the row when this holder has it, else null */
    take(t: LeaseTake): LeaseRow | null {
      const p = { name: t.name, holder: t.holderId, holderName: t.holderName, ttl: t.ttlMs, at: t.at };
      const row = insertStmt.get(p) ?? takeStmt.get(p);
      return row ? numbers(row) : null;
    },
    /** the lease row (whoever holds it, expired or not) and the database's clock */
    read(name: string, at: number | null = null): LeaseRead {
      const r = readStmt.get({ name, at });
      if (!r) return { row: null, dbNow: Number(clockStmt.get({ at })?.db_now) };
      return { row: numbers(r), dbNow: Number(r.db_now) };
    },
    /** lets the lease go now, if `holderId` holds it; true when it did */
    release(name: string, holderId: string): boolean {
      return releaseStmt.run({ name, holder: holderId }).changes > 0;
    },
    /** records the public address the holder registered with the gateways */
    setPublicUrl(name: string, holderId: string, url: string | null): boolean {
      return publicUrlStmt.run({ name, holder: holderId, url }).changes > 0;
    },
  };
}

export type LeaseRepo = ReturnType<typeof leaseRepo>;
