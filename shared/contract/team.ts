// Methods and events of team mode: several desks sharing one PostgreSQL store. Every desk shows which engine it
// runs on, whether the database answers, and which desk holds the lease on the singleton jobs (tunnel,
// listener, merchant API, callbacks, sync, report refresh). Owners invite a desk with a one-time join code and
// see which desks hold the team key. On SQLite the desk is its own team of one: status says so, and
// invitations are refused in words.
import { z } from 'zod';
import { EmptySchema, mutation, OkSchema, owner, ownerReads, query, STAFF } from './define';

export const TeamConnectionSchema = z.object({
  /** connected: statements are answered; unreachable: the desk shows what it has and refuses money-moving actions */
  state: z.enum(['connected', 'unreachable']),
  /** since when (ms) */
  since: z.number().int(),
  /** why it is unreachable, in words (never the password); null when connected */
  message: z.string().nullable(),
});
export type TeamConnection = z.infer<typeof TeamConnectionSchema>;

export const TeamLeaseSchema = z.object({
  holderId: z.string(),
  holderName: z.string(),
  /** true when this desk runs the singleton jobs */
  thisDesk: z.boolean(),
  acquiredAt: z.number().int(),
  expiresAt: z.number().int(),
  /** the public address the holder registered with the gateways, when it has one */
  publicUrl: z.string().nullable(),
});
export type TeamLease = z.infer<typeof TeamLeaseSchema>;

export const TeamStatusSchema = z.object({
  engine: z.enum(['sqlite', 'postgres']),
  /** the database as people may see it: user@host:port/db, never a password; null on SQLite */
  database: z.string().nullable(),
  connection: TeamConnectionSchema,
  thisDesk: z.object({ id: z.string(), name: z.string() }),
  /** null on SQLite (the one desk runs everything) and while no desk holds it */
  lease: TeamLeaseSchema.nullable(),
  /**
   * whether the public address survives a failover: a reserved ngrok domain or the shop's own URL. Razorpay's
   * webhook URL is typed into its Dashboard by hand, so without one a failover breaks Razorpay webhooks.
   */
  stableAddress: z.boolean(),
});
export type TeamStatus = z.infer<typeof TeamStatusSchema>;

export const TeamDeskSchema = z.object({
  id: z.string(),
  name: z.string(),
  joinedAt: z.number().int(),
  /** who let it in: an owner's name, or how the team began */
  joinedBy: z.string(),
  lastSeenAt: z.number().int(),
  removedAt: z.number().int().nullable(),
  thisDesk: z.boolean(),
});
export type TeamDesk = z.infer<typeof TeamDeskSchema>;

export const TeamInviteSchema = z.object({
  /** the one-time join code, shown this once: at least 128 bits, grouped for reading aloud */
  code: z.string(),
  expiresAt: z.number().int(),
});
export type TeamInvite = z.infer<typeof TeamInviteSchema>;

/** a PostgreSQL URL without a password: postgres://user@host:port/db */
const StoreUrl = z.string().trim().min(1, 'Type the database URL, for example postgres://paydesk@db.example.com:5432/paydesk').max(2000);
const StorePassword = z.string().max(1000).optional();

export const TeamStoreTestSchema = z.object({
  /** whether this desk could use the database: it answered, logged in, and is not from a newer Paydesk */
  ok: z.boolean(),
  /** what was found, or what is wrong and what to do, in words (never the password) */
  message: z.string(),
  /** the form field the problem is about, when it is about one */
  field: z.enum(['url', 'password']).nullable(),
  /** the database's Paydesk schema version; 0 for an empty database, null when it could not be read */
  schema: z.number().int().nullable(),
  /** true when a team already uses the database: this desk joins with a code; false: this desk starts the team */
  hasTeam: z.boolean(),
});
export type TeamStoreTest = z.infer<typeof TeamStoreTestSchema>;

export const TeamUseStoreInputSchema = z.union([
  z.object({ url: StoreUrl, password: StorePassword, joinCode: z.string().trim().max(200).optional() }).strict(),
  z.object({ engine: z.literal('sqlite') }).strict(),
]);

export const teamMethods = {
  'team.status': query(EmptySchema, TeamStatusSchema, STAFF),
  'team.desks': query(EmptySchema, z.array(TeamDeskSchema), ownerReads('see which desks hold the team key')),
  /** a one-time code (single use, 10 minutes) that lets a new desk receive the team key */
  'team.invite': mutation(EmptySchema, TeamInviteSchema, owner('invite a desk to the team')),
  /** the desk stops being listed as a member; it rotates nothing, and says so */
  'team.removeDesk': mutation(z.object({ id: z.string().trim().min(1, 'Choose a desk') }).strict(), OkSchema, owner('remove a desk from the team')),
  /** connects to a PostgreSQL database once (5 s at most) and says whether this desk could use it; saves nothing */
  'team.testStore': mutation(z.object({ url: StoreUrl, password: StorePassword }).strict(), TeamStoreTestSchema, ownerReads('test a team database')),
  /** the store this desk opens from its next start: a team database (password and join code sealed on this computer) or its own SQLite file */
  'team.useStore': mutation(TeamUseStoreInputSchema, z.object({ restartNeeded: z.literal(true) }), owner('choose the database this desk uses')),
};

export const teamEvents = {
  /** the lease moved, a desk joined or was removed, or the database became reachable or unreachable */
  'team.changed': z.object({}),
  /** this desk missed changes (it was disconnected from the team database): every screen refetches */
  'team.caughtUp': z.object({}),
};
