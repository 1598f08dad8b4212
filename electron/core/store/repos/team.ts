// The team's tables (migration 016): team_meta (which team this database is, and the team key's check value),
// team_desks (the desks holding the team key) and team_join_codes (one-time codes, the team key sealed under
// each). The lease (team_lease) has its own repository. Keys and codes are core/team's job: this stores bytes.
import type { SqlDb } from '../sql';

export interface TeamMetaRow {
  teamId: string;
  keyCheck: Buffer;
  createdAt: number;
}

export interface TeamDeskRow {
  id: string;
  name: string;
  joinedAt: number;
  joinedBy: string;
  lastSeenAt: number;
  removedAt: number | null;
  removedBy: string | null;
}

export interface JoinCodeRow {
  /** SHA-256 (hex) of the code: the code itself is never stored */
  id: string;
  nonce: Buffer;
  wrappedKey: Buffer;
  tag: Buffer;
  createdBy: string;
  createdAt: number;
  expiresAt: number;
}

const DESK_COLUMNS = `id, name, joined_at AS "joinedAt", joined_by AS "joinedBy", last_seen_at AS "lastSeenAt",
  removed_at AS "removedAt", removed_by AS "removedBy"`;
const CODE_COLUMNS = `id, nonce, wrapped_key AS "wrappedKey", tag, created_by AS "createdBy", created_at AS "createdAt", expires_at AS "expiresAt"`;

export function teamRepo(db: SqlDb) {
  const metaStmt = db.prepare<TeamMetaRow>('SELECT team_id AS "teamId", key_check AS "keyCheck", created_at AS "createdAt" FROM team_meta WHERE id = 1');
  const startStmt = db.prepare('INSERT INTO team_meta (id, team_id, key_check, created_at) VALUES (1, ?, ?, ?) ON CONFLICT (id) DO NOTHING');
  const desksStmt = db.prepare<TeamDeskRow>(`SELECT ${DESK_COLUMNS} FROM team_desks ORDER BY joined_at, id`);
  const deskStmt = db.prepare<TeamDeskRow>(`SELECT ${DESK_COLUMNS} FROM team_desks WHERE id = ?`);
  // a desk that joins again (after an owner removed it, with a new code) is a member again
  const joinStmt = db.prepare(`INSERT INTO team_desks (id, name, joined_at, joined_by, last_seen_at, removed_at, removed_by)
    VALUES (@id, @name, @at, @joinedBy, @at, NULL, NULL)
    ON CONFLICT (id) DO UPDATE SET name = excluded.name, joined_at = excluded.joined_at, joined_by = excluded.joined_by,
      last_seen_at = excluded.last_seen_at, removed_at = NULL, removed_by = NULL`);
  const seenStmt = db.prepare('UPDATE team_desks SET last_seen_at = ?, name = ? WHERE id = ? AND removed_at IS NULL');
  const removeStmt = db.prepare('UPDATE team_desks SET removed_at = ?, removed_by = ? WHERE id = ? AND removed_at IS NULL');
  const addCodeStmt = db.prepare(`INSERT INTO team_join_codes (id, nonce, wrapped_key, tag, created_by, created_at, expires_at)
    VALUES (@id, @nonce, @wrappedKey, @tag, @createdBy, @createdAt, @expiresAt)`);
  const codeStmt = db.prepare<JoinCodeRow & { usedAt: number | null }>(`SELECT ${CODE_COLUMNS}, used_at AS "usedAt" FROM team_join_codes WHERE id = ?`);
  // one statement: of two desks redeeming the same code at once, exactly one gets the row
  const redeemStmt = db.prepare<JoinCodeRow>(`UPDATE team_join_codes SET used_at = ?, used_by = ?
    WHERE id = ? AND used_at IS NULL AND expires_at > ? RETURNING ${CODE_COLUMNS}`);
  const sweepStmt = db.prepare('DELETE FROM team_join_codes WHERE expires_at <= ? OR used_at IS NOT NULL');

  return {
    /** the team this database belongs to; null before any desk started one */
    meta: (): TeamMetaRow | null => metaStmt.get() ?? null,
    /** records the team; false when another desk recorded one first (the existing team stays) */
    start: (teamId: string, keyCheck: Buffer, at: number): boolean => startStmt.run(teamId, keyCheck, at).changes === 1,
    desks: (): TeamDeskRow[] => desksStmt.all(),
    desk: (id: string): TeamDeskRow | null => deskStmt.get(id) ?? null,
    /** the desk holds the team key from now on (again, if an owner had removed it) */
    addDesk(d: { id: string; name: string; joinedBy: string }, at: number): void {
      joinStmt.run({ ...d, at });
    },
    /** notes that the desk opened the team now; false if it is not a member (unknown or removed) */
    seen: (id: string, name: string, at: number): boolean => seenStmt.run(at, name, id).changes === 1,
    /** false when the desk is unknown or already removed */
    removeDesk: (id: string, by: string, at: number): boolean => removeStmt.run(at, by, id).changes === 1,
    addJoinCode(c: JoinCodeRow): void {
      addCodeStmt.run(c);
    },
    /** the code's row, used or not, expired or not (reading it spends nothing) */
    joinCode: (id: string): (JoinCodeRow & { usedAt: number | null }) | null => codeStmt.get(id) ?? null,
    /** marks the code used by `deskId` and returns it, if it exists, is unused and has not expired at `at` */
    redeemJoinCode: (id: string, deskId: string, at: number): JoinCodeRow | null => redeemStmt.get(at, deskId, id, at) ?? null,
    /** forgets codes used, or expired at `at`; how many */
    sweepJoinCodes: (at: number): number => sweepStmt.run(at).changes,
  };
}

export type TeamRepo = ReturnType<typeof teamRepo>;
