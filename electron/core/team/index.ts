// The team a desk belongs to, as handlers see it: three parts with their own modules, joined here.
// - connection: whether the store answers (on SQLite always; on PostgreSQL watched by ./connection.ts);
// - lease: which desk runs the singleton jobs (./lease.ts; on SQLite none: the one desk runs everything);
// - members: the desks holding the team key, and one-time join codes (./members.ts; refused on SQLite).
import { methods, type MethodName, type TeamConnection, type TeamDesk, type TeamInvite, type TeamLease, type TeamStatus } from '../../../shared/contract';
import { AppError } from '../../../shared/errors';
import type { OperatorRef } from '../types';
import type { DeskIdentity } from './desk';

export interface TeamConnectionView {
  current(): TeamConnection;
  /** what an action that changes something is told while the store cannot be reached; null while it can */
  refusal(): AppError | null;
  /** a failure that says the store cannot be reached, in words; null for any other */
  explain(err: unknown): AppError | null;
}

export interface TeamLeaseView {
  current(): TeamLease | null;
}

export interface TeamMembers {
  desks(): TeamDesk[];
  /** async on PostgreSQL: the team key is unsealed by this machine's protector for each code */
  invite(actor: OperatorRef): TeamInvite | Promise<TeamInvite>;
  removeDesk(id: string, actor: OperatorRef): void;
}

export interface TeamService extends TeamMembers {
  readonly desk: DeskIdentity;
  status(): TeamStatus;
  /** refuses a method that changes something while the store cannot be reached (the RPC gate) */
  refusal(method: MethodName): AppError | null;
  /** a handler's failure that says the store cannot be reached, in words; null for any other */
  explain(err: unknown): AppError | null;
}

export interface TeamParts {
  engine: 'sqlite' | 'postgres';
  /** the database as people may see it (no password); null on SQLite */
  database: string | null;
  desk: DeskIdentity;
  connection: TeamConnectionView;
  lease: TeamLeaseView;
  members: TeamMembers;
  /** whether the public address would survive a failover (a reserved ngrok domain, the shop's own URL) */
  stableAddress: () => boolean;
}

export function createTeamService(p: TeamParts): TeamService {
  return {
    desk: p.desk,
    status: () => ({
      engine: p.engine,
      database: p.database,
      connection: p.connection.current(),
      thisDesk: { id: p.desk.id, name: p.desk.name },
      lease: p.lease.current(),
      stableAddress: p.stableAddress(),
    }),
    // the desk's own session (sign in, lock, the idle timer) is not the team's data: never refused here
    refusal: (method) => (methods[method].kind === 'mutation' && !/^(desk|system)\./.test(method) ? p.connection.refusal() : null),
    explain: (err) => p.connection.explain(err),
    desks: () => p.members.desks(),
    invite: (actor) => p.members.invite(actor),
    removeDesk: (id, actor) => p.members.removeDesk(id, actor),
  };
}

const SOLO = 'This desk keeps its data in its own SQLite file, so it has no team to invite a desk into. Start the desks on one PostgreSQL database (see Team mode in the README) first.';

/** A desk on SQLite: always connected, no lease (it runs every job), no other desks. */
export function soloParts(desk: DeskIdentity, since: number): Pick<TeamParts, 'connection' | 'lease' | 'members'> {
  const connected: TeamConnection = { state: 'connected', since, message: null };
  return {
    connection: { current: () => connected, refusal: () => null, explain: () => null },
    lease: { current: () => null },
    members: {
      desks: () => [{ id: desk.id, name: desk.name, joinedAt: since, joinedBy: 'first desk', lastSeenAt: since, removedAt: null, thisDesk: true }],
      invite: () => {
        throw new AppError('unavailable', SOLO);
      },
      removeDesk: () => {
        throw new AppError('unavailable', SOLO);
      },
    },
  };
}
