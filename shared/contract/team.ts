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

export const teamMethods = {
  'team.status': query(EmptySchema, TeamStatusSchema, STAFF),
  'team.desks': query(EmptySchema, z.array(TeamDeskSchema), ownerReads('see which desks hold the team key')),
  /** a one-time code (single use, 10 minutes) that lets a new desk receive the team key */
  'team.invite': mutation(EmptySchema, TeamInviteSchema, owner('invite a desk to the team')),
  /** the desk stops being listed as a member; it rotates nothing, and says so */
  'team.removeDesk': mutation(z.object({ id: z.string().trim().min(1, 'Choose a desk') }).strict(), OkSchema, owner('remove a desk from the team')),
};

export const teamEvents = {
  /** the lease moved, a desk joined or was removed, or the database became reachable or unreachable */
  'team.changed': z.object({}),
  /** this desk missed changes (it was disconnected from the team database): every screen refetches */
  'team.caughtUp': z.object({}),
};
