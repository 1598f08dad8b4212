// `npm run store -- migrate`: moves a one-desk shop from its SQLite data folder into a PostgreSQL database,
// which becomes the team store. Everything is copied in one PostgreSQL transaction, then both sides' row counts
// and per-currency sums are compared before COMMIT: if any figure differs nothing is committed. The SQLite
// data is only read. The desk's vault data key becomes the team key: the copied ciphertexts stay valid, the
// database gets only a check value of it, and the key itself is sealed again in the data folder
// (team-key.json) for this desk, by the same protector that sealed the vault.
import { randomUUID } from 'node:crypto';
import type { Log } from '../../log';
import { deskIdentity } from '../../team/desk';
import { keyCheckOf, readLocalTeamKeyFile, removeLocalTeamKeyFile, storeLocalTeamKey, TEAM_KEY_BYTES, TEAM_KEY_FILE } from '../../team/team-key';
import type { KeyProtector } from '../../types';
import { chooseProtector } from '../../vault/choose-protector';
import { describeStore, parseStoreChoice } from '../choice';
import { migratePg } from '../pg/migrate';
import { openPgSync, type PgSync } from '../pg/sync-client';
import { moveRepo } from '../repos/move';
import { teamRepo } from '../repos/team';
import { pgSql } from '../sql';
import { compareSides, formatComparison } from './compare';
import { copyTable, planCopy } from './copy';
import { MoveRefused } from './refused';
import { openSource, sourceDataDir, type MoveSource } from './source';

export { MoveRefused } from './refused';

export interface MoveOptions {
  /** the SQLite data folder, or its paydesk.sqlite */
  from: string;
  /** postgres://user@host:port/db, no password */
  to: string;
  /** each line of what the move reports (the comparison table included) */
  out: (line: string) => void;
  now?: () => number;
  log?: Log;
}

export interface MoveResult {
  dataDir: string;
  tables: number;
  rows: number;
  teamId: string;
  ms: number;
}

/** The data key of the source's vault, unsealed by this machine's protector. */
async function unsealDataKey(source: MoveSource, log: Log): Promise<{ key: Buffer; protector: KeyProtector }> {
  const sealed = source.vault.sealedKey();
  if (!sealed) throw new MoveRefused(`The data in ${source.dataDir} has no vault key yet: open it with Paydesk once, close Paydesk, then run the move again.`);
  if (sealed.protector === 'safeStorage') {
    throw new MoveRefused(`The keys in ${source.dataDir} were sealed by the Paydesk desktop app, which this command cannot reach: make a backup in the app (Settings → Backup), restore it into a new folder with \`npm run store -- restore --data-dir <folder> --from <file>\`, and move that folder.`);
  }
  const protector = await chooseProtector(source.vault, source.dataDir, undefined, log);
  let key: Buffer;
  try {
    key = await protector.unprotect(sealed.sealedKey);
  } catch {
    throw new MoveRefused(`The vault key of ${source.dataDir} could not be unlocked with ${protector.description}: run the move on the machine and as the user that runs this desk.`);
  }
  if (key.length !== TEAM_KEY_BYTES) throw new MoveRefused(`The vault key of ${source.dataDir} has an unexpected length: nothing was moved.`);
  return { key, protector };
}

function connect(url: string): PgSync {
  try {
    // a page of webhook bodies can take a while on a slow link; the client's own ceiling is 60 s
    return openPgSync({ url, applicationName: 'paydesk-move', statementTimeoutMs: 50_000 });
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    throw new MoveRefused(`Could not connect to ${describeStore({ engine: 'postgres', url })}: ${why}. Check that the server runs and the database exists; the password comes from PGPASSWORD or ~/.pgpass.`);
  }
}

/** Everything that must hold before anything is written; returns the target connection, migrated. */
function openTarget(url: string, source: MoveSource, now: () => number): PgSync {
  const pg = connect(url);
  try {
    migratePg(pg, { now });
    const target = moveRepo(pgSql(pg));
    const held = target.shopRows();
    if (held.length > 0) throw new MoveRefused(`The target already holds a shop (${held.join(', ')}): nothing was moved. Give --to a new, empty database.`);
    const version = target.schemaVersion();
    if (version !== source.version) throw new MoveRefused(`The PostgreSQL database is at schema version ${version}, the SQLite data at ${source.version}: both must be at this Paydesk's newest.`);
    return pg;
  } catch (err) {
    pg.close();
    throw err;
  }
}

export async function moveToPostgres(o: MoveOptions): Promise<MoveResult> {
  const started = Date.now();
  const now = o.now ?? Date.now;
  const log: Log = o.log ?? (() => undefined);
  const choice = parseStoreChoice(o.to, '--to');
  if (choice.engine !== 'postgres') throw new MoveRefused('--to needs the PostgreSQL database to move into, such as postgres://paydesk@db.example.com:5432/paydesk.');
  const source = openSource(sourceDataDir(o.from));
  try {
    const { key, protector } = await unsealDataKey(source, log);
    if (readLocalTeamKeyFile(source.dataDir)) {
      throw new MoveRefused(`${source.dataDir} already holds a team key (${TEAM_KEY_FILE}): this desk belongs to a team, or an earlier move was interrupted. Move ${TEAM_KEY_FILE} out of the folder if no team uses it, then run the move again.`);
    }
    const pg = openTarget(choice.url, source, now);
    try {
      o.out(`Moving ${source.dataDir} (SQLite, schema ${source.version}) into ${describeStore(choice)}`);
      const left = source.repo.leftBehind();
      if (left.length > 0) o.out(`Not copied: ${left.join(', ')} (this machine's backup settings: a team database is backed up by its server).`);
      const teamId = randomUUID();
      const desk = deskIdentity(source.dataDir);
      await storeLocalTeamKey(source.dataDir, protector, key, teamId);
      try {
        const moved = source.snapshot(() => pg.transaction(() => copyAll(source, pg, { teamId, key, desk, at: now() }, o.out)));
        return { dataDir: source.dataDir, ...moved, teamId, ms: Date.now() - started };
      } catch (err) {
        // the team it names was never committed
        removeLocalTeamKeyFile(source.dataDir);
        throw err;
      }
    } finally {
      pg.close();
    }
  } finally {
    source.close();
  }
}

interface NewTeam { teamId: string; key: Buffer; desk: { id: string; name: string }; at: number }

/** Inside both transactions: copy, write the team's first rows, compare; throws (so rolls back) on any difference. */
function copyAll(source: MoveSource, pg: PgSync, team: NewTeam, out: (line: string) => void): { tables: number; rows: number } {
  const target = moveRepo(pgSql(pg));
  const tables = planCopy(source.repo.tables(), target.tables());
  let rows = 0;
  for (const t of tables) {
    try {
      rows += copyTable(source.repo, target, t);
    } catch (err) {
      if (err instanceof MoveRefused) throw err;
      const why = err instanceof Error ? err.message : String(err);
      throw new MoveRefused(`Copying table ${t.name} failed: ${why}. Nothing was written to PostgreSQL.`);
    }
  }
  const members = teamRepo(pgSql(pg));
  if (!members.start(team.teamId, keyCheckOf(team.key), team.at)) {
    throw new MoveRefused('A desk began a team on this database while the shop was being moved: nothing was committed. Give --to a new, empty database.');
  }
  members.addDesk({ ...team.desk, joinedBy: 'migration' }, team.at);
  const c = compareSides(source.repo, target, tables);
  for (const line of formatComparison(c)) out(line);
  if (c.differing.length > 0) {
    throw new MoveRefused(`The copy does not match the SQLite data (${c.differing.join('; ')}): nothing was committed to PostgreSQL.`);
  }
  return { tables: tables.length, rows };
}
