// Methods and events of the people at the desk: the desk session (who is signed in, lock), operators
// (owner-only management), the refund policy (staff limit per currency, idle lock) and the audit log.
// PIN hashes never leave core; PINs only travel in (signIn, approval, create/update).
import { z } from 'zod';
import { mutation, query, EmptySchema, OPEN, STAFF, owner, ownerReads } from './define';

export const OperatorRoleSchema = z.enum(['owner', 'staff']);
export type OperatorRole = z.infer<typeof OperatorRoleSchema>;

export const PinSchema = z.string().regex(/^\d{4,12}$/, 'A PIN is 4 to 12 digits');
/** what a PIN field may carry on sign-in and approval (a wrong format is simply a wrong PIN) */
export const PinAttemptSchema = z.string().min(1, 'Enter the PIN').max(12, 'A PIN is 4 to 12 digits');

export const OperatorNameSchema = z.string().trim().min(1, 'Enter a name').max(60, 'Keep the name under 60 characters');

/** an operator as the owner's management screen sees it (never the hash) */
export const OperatorSchema = z.object({
  id: z.string(),
  name: z.string(),
  role: OperatorRoleSchema,
  disabled: z.boolean(),
  createdAt: z.number().int(),
  updatedAt: z.number().int(),
});
export type Operator = z.infer<typeof OperatorSchema>;

export const DeskOperatorSchema = z.object({ id: z.string(), name: z.string(), role: OperatorRoleSchema });
export type DeskOperator = z.infer<typeof DeskOperatorSchema>;

export const DeskStatusSchema = z.object({
  /** single_user: no operators configured, everything is attributed to "owner"; operators: someone must sign in */
  mode: z.enum(['single_user', 'operators']),
  /** true: the console shows "Who is at the desk?" and every other method answers `locked` */
  locked: z.boolean(),
  /** who is at the desk (single-user mode: { id: null, name: 'owner', role: 'owner' }); null while locked */
  current: z.object({ id: z.string().nullable(), name: z.string(), role: OperatorRoleSchema }).nullable(),
  /** active operators for the sign-in list */
  operators: z.array(DeskOperatorSchema),
  idleMinutes: z.number().int(),
  /** epoch ms when the desk locks if nothing happens (null when locked or single-user) */
  locksAt: z.number().int().nullable(),
});
export type DeskStatus = z.infer<typeof DeskStatusSchema>;

export const SignInInputSchema = z.object({ operatorId: z.string().min(1).max(64), pin: PinAttemptSchema });

export const OperatorCreateSchema = z.object({ name: OperatorNameSchema, role: OperatorRoleSchema, pin: PinSchema });
export const OperatorUpdateSchema = z.object({
  id: z.string().min(1).max(64),
  name: OperatorNameSchema.optional(),
  role: OperatorRoleSchema.optional(),
  pin: PinSchema.optional(),
  /** re-enable a disabled operator */
  enabled: z.literal(true).optional(),
});

/** staff limit per currency in minor units (e.g. { INR: 500000 } = ₹5,000.00); a currency without one: every staff refund needs an owner */
export const RefundPolicySchema = z.object({
  staffLimits: z.record(z.string().regex(/^[A-Z]{3}$/, 'Use a three-letter currency code'), z.number().int().nonnegative().max(1e13)),
  idleMinutes: z.number().int().min(1, 'At least 1 minute').max(240, 'At most 240 minutes'),
});
export type RefundPolicy = z.infer<typeof RefundPolicySchema>;

export const AuditEntrySchema = z.object({
  id: z.number().int(),
  at: z.number().int(),
  operatorId: z.string().nullable(),
  operatorName: z.string(),
  action: z.string(),
  subjectType: z.string().nullable(),
  subjectId: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
  livemode: z.boolean(),
});
export type AuditEntryDto = z.infer<typeof AuditEntrySchema>;

export const AuditListInputSchema = z.object({
  /** exact ('refund.failed') or a domain ('refund' / 'refund.*') */
  action: z.string().max(60).optional(),
  operatorId: z.string().max(64).optional(),
  subjectType: z.string().max(40).optional(),
  subjectId: z.string().max(100).optional(),
  /** epoch ms, inclusive */
  from: z.number().int().optional(),
  /** epoch ms, exclusive */
  to: z.number().int().optional(),
  /** the previous page's nextBefore */
  before: z.number().int().optional(),
  limit: z.number().int().min(1).max(200).default(50),
});

export const AuditPageSchema = z.object({ items: z.array(AuditEntrySchema), nextBefore: z.number().int().nullable() });

export const operatorsMethods = {
  'desk.status': query(EmptySchema, DeskStatusSchema, OPEN),
  /** sign in or switch operator: one call with a PIN; wrong PINs are limited (backoff) */
  'desk.signIn': mutation(SignInInputSchema, DeskStatusSchema, OPEN),
  'desk.lock': mutation(EmptySchema, DeskStatusSchema, OPEN),
  /** the person is working (key press, click, scroll; throttled by the UI to ~1 per 30 s): postpones the idle lock.
   *  Mutations count as activity too; queries (list refetches after events) do not. */
  'desk.activity': mutation(EmptySchema, z.object({ locksAt: z.number().int().nullable() }), STAFF),
  /** owner only; every operator including disabled ones */
  'operators.list': query(EmptySchema, z.array(OperatorSchema), ownerReads('see the people list')),
  /** owner only (anyone in single-user mode); the first operator must be an owner and is signed in at once */
  'operators.create': mutation(OperatorCreateSchema, OperatorSchema, owner('add people')),
  'operators.update': mutation(OperatorUpdateSchema, OperatorSchema, owner('change people')),
  'operators.disable': mutation(z.object({ id: z.string().min(1).max(64) }), OperatorSchema, owner('disable people')),
  'settings.getRefundPolicy': query(EmptySchema, RefundPolicySchema, STAFF),
  /** owner only */
  'settings.setRefundPolicy': mutation(RefundPolicySchema, RefundPolicySchema, owner('change the refund limits and the idle lock')),
  'audit.list': query(AuditListInputSchema, AuditPageSchema, STAFF),
};

export const operatorsEvents = {
  /** someone signed in, switched, locked, or the idle timer locked the desk: refetch desk.status */
  'desk.changed': z.object({ locked: z.boolean(), operatorId: z.string().nullable() }),
  'audit.appended': z.object({ id: z.number().int(), action: z.string() }),
};
