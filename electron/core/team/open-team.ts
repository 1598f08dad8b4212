// Opening a desk on the team database: before the vault opens, this desk must hold the team key (the vault's
// data key, sealed locally in team-key.json). The first desk on an empty database starts the team; any other
// desk receives the key once, with an owner's one-time join code; a desk whose key is another team's, or
// that an owner removed, is refused in words. The key file is written before the database change commits and
// taken back if it does not, so a desk never ends up listed without its key or holding a key nobody listed.
import { AppError } from '../../../shared/errors';
import { recordAudit } from '../audit';
import type { Log } from '../log';
import type { Store } from '../store';
import type { TeamMetaRow } from '../store/repos/team';
import type { KeyProtector } from '../types';
import type { DeskIdentity } from './desk';
import { joinCodeId, normalizeJoinCode, unwrapTeamKey } from './join-code';
import { keyCheckOf, keyMatches, loadLocalTeamKey, newTeamKey, readLocalTeamKeyFile, removeLocalTeamKeyFile, sealTeamKey, TEAM_KEY_FILE, writeLocalTeamKeyFile } from './team-key';

export interface OpenTeamInput {
  dataDir: string;
  store: Pick<Store, 'repos' | 'transaction'>;
  protector: KeyProtector;
  desk: DeskIdentity;
  /** a join code as typed (--join, PAYDESK_JOIN, Settings); undefined when none was given */
  join?: string | undefined;
  now: () => number;
  log: Log;
}

export interface OpenedTeam {
  teamId: string;
  /** how this desk came to hold the key this time */
  how: 'started' | 'joined' | 'member';
}

const INVITE = "On an owner's desk open Settings → Team → Invite a desk, then start this desk with --join <code>.";
const when = (ms: number): string => `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;

/** Makes sure this desk holds the team key (starting or joining the team as needed); throws AppError in words. */
export async function openTeam(i: OpenTeamInput): Promise<OpenedTeam> {
  const meta = i.store.repos.team.meta();
  if (!meta) return startTeam(i);
  const local = await loadLocalTeamKey(i.dataDir, i.protector);
  if (local) {
    if (local.teamId !== meta.teamId || !keyMatches(local.key, meta.keyCheck)) {
      throw new AppError('unavailable', `This desk holds the key of another team, not of this team database. Point the desk at its own team's database, or move ${TEAM_KEY_FILE} out of the data folder and join this team with --join <code>.`);
    }
    const row = i.store.repos.team.desk(i.desk.id);
    if (row?.removedAt != null) {
      if (i.join !== undefined) return joinTeam(i, meta);
      throw new AppError('unavailable', `An owner removed this desk from the team on ${when(row.removedAt)}; ask an owner for a join code and start with --join <code>.`);
    }
    // a desk that held the key before the team listed desks (a store moved into PostgreSQL on this machine)
    if (!row) i.store.repos.team.addDesk({ id: i.desk.id, name: i.desk.name, joinedBy: 'migration' }, i.now());
    else i.store.repos.team.seen(i.desk.id, i.desk.name, i.now());
    if (i.join !== undefined) i.log('info', 'this desk is already part of the team; the join code was not used');
    return { teamId: meta.teamId, how: 'member' };
  }
  if (i.join === undefined) throw new AppError('unavailable', `This desk is not part of the team yet. ${INVITE}`);
  return joinTeam(i, meta);
}

/** The first desk on an empty team database: a new team key, sealed here; the database gets its check value. */
async function startTeam(i: OpenTeamInput): Promise<OpenedTeam> {
  if (i.join !== undefined) {
    throw new AppError('unavailable', 'This team database has no team yet, so there is nothing to join. Check the --store address, or start this desk without --join to begin the team here.');
  }
  if (readLocalTeamKeyFile(i.dataDir)) {
    throw new AppError('unavailable', `This desk holds the key of another team, and this database has no team yet. Point the desk at its own team's database, or move ${TEAM_KEY_FILE} out of the data folder to begin a new team here.`);
  }
  if (i.store.repos.vault.allSecrets().length > 0) {
    throw new AppError('unavailable', 'This team database holds sealed secrets but no team record, so no desk can open them. Move the shop into PostgreSQL with `npm run store -- migrate`, or use an empty database.');
  }
  const { key, teamId } = newTeamKey();
  writeLocalTeamKeyFile(i.dataDir, await sealTeamKey(i.protector, key, teamId));
  let started = false;
  try {
    started = i.store.transaction(() => {
      if (!i.store.repos.team.start(teamId, keyCheckOf(key), i.now())) return false;
      i.store.repos.team.addDesk({ id: i.desk.id, name: i.desk.name, joinedBy: 'first desk' }, i.now());
      return true;
    });
  } finally {
    if (!started) removeLocalTeamKeyFile(i.dataDir);
  }
  if (!started) {
    // another desk began the team a moment ago: this one joins it like any other
    return openTeam(i);
  }
  i.log('info', 'this desk began the team: the team key is sealed in this data folder only');
  return { teamId, how: 'started' };
}

const NEW_CODE = 'Ask an owner for a new one (Settings → Team → Invite a desk); nothing was changed.';
const refused = (why: string): AppError => new AppError('unavailable', `${why} ${NEW_CODE}`);
const WRONG = 'That join code matches none this team holds: check it was typed as shown (codes are cleared once used or expired).';
const USED = 'That join code was used already: each code lets in one desk, once.';
const EXPIRED = 'That join code has expired: codes work for 10 minutes.';

/** Receives the team key with a one-time code: checked first, then the code is spent in the same commit as the desk's row. */
async function joinTeam(i: OpenTeamInput, meta: TeamMetaRow): Promise<OpenedTeam> {
  const code = normalizeJoinCode(i.join ?? '');
  const id = joinCodeId(code);
  const row = i.store.repos.team.joinCode(id);
  const key = row ? unwrapTeamKey(code, meta.teamId, row) : null;
  if (!row || !key) throw refused(WRONG);
  if (row.usedAt !== null) throw refused(USED);
  if (row.expiresAt <= i.now()) throw refused(EXPIRED);
  if (!keyMatches(key, meta.keyCheck)) {
    throw new AppError('unavailable', 'That join code was made for another team database. Ask an owner of this team for a code, or check the --store address; nothing was changed.');
  }
  const previous = readLocalTeamKeyFile(i.dataDir);
  writeLocalTeamKeyFile(i.dataDir, await sealTeamKey(i.protector, key, meta.teamId));
  let invitedBy: string | null = null;
  try {
    invitedBy = i.store.transaction(() => {
      const spent = i.store.repos.team.redeemJoinCode(id, i.desk.id, i.now());
      if (!spent) return null;
      i.store.repos.team.addDesk({ id: i.desk.id, name: i.desk.name, joinedBy: spent.createdBy }, i.now());
      recordAudit(i.store.repos.audit, {
        operator: { id: null, name: i.desk.name },
        action: 'team.desk_joined',
        subject: { type: 'desk', id: i.desk.id },
        details: { desk: i.desk.name, invitedBy: spent.createdBy },
        at: i.now(),
      });
      return spent.createdBy;
    });
  } finally {
    if (invitedBy === null) {
      if (previous) writeLocalTeamKeyFile(i.dataDir, previous);
      else removeLocalTeamKeyFile(i.dataDir);
    }
  }
  // another desk spent the code a moment ago
  if (invitedBy === null) throw refused(USED);
  i.log('info', `this desk joined the team (invited by ${invitedBy}); the team key is sealed in this data folder`);
  return { teamId: meta.teamId, how: 'joined' };
}
