import { z } from 'zod';
import { mutation, query, EmptySchema, OkSchema, STAFF, owner } from './define';
import { GATEWAYS } from '../gateways';

export const GatewaySchema = z.enum(GATEWAYS);
export type Gateway = z.infer<typeof GatewaySchema>;
export const ModeSchema = z.enum(['test', 'live']);
export type Mode = z.infer<typeof ModeSchema>;

/** What the renderer may know about a secret: never the secret. */
export const SecretStatusSchema = z.object({ configured: z.boolean(), last4: z.string().nullable(), mode: ModeSchema.nullable() });
export type SecretStatus = z.infer<typeof SecretStatusSchema>;

export const AccountSchema = z.object({
  id: z.string(),
  gateway: GatewaySchema,
  mode: ModeSchema,
  label: z.string(),
  /** Stripe publishable key or Razorpay key id: public identifiers, safe to show */
  publicKey: z.string().nullable(),
  secretKey: SecretStatusSchema,
  webhookSecret: SecretStatusSchema,
  /** true for the accounts wired to the embedded Paydesk Sandbox */
  sandbox: z.boolean(),
  verification: z.object({
    status: z.enum(['unverified', 'verified', 'failed']),
    at: z.number().int().nullable(),
    message: z.string().nullable(),
  }),
  /** "return to shop": where Stripe Checkout sends the customer after paying ({ref}: the order reference); not secret */
  returnSuccessUrl: z.string().nullable(),
  /** ... and after leaving without paying; null: the page after paying */
  returnCancelUrl: z.string().nullable(),
  createdAt: z.number().int(),
});
export type Account = z.infer<typeof AccountSchema>;

export const AccountInputSchema = z.object({
  gateway: GatewaySchema,
  mode: ModeSchema,
  label: z.string().trim().min(1, 'Give the account a name').max(60, 'Keep the name under 60 characters'),
  publicKey: z.string().trim().max(200),
  secretKey: z.string().trim().max(300),
  webhookSecret: z.string().trim().max(300).optional(),
  /** connect to the embedded Paydesk Sandbox instead of the real gateway (test mode only; needs the sandbox running) */
  sandbox: z.boolean().optional(),
});
export type AccountInput = z.infer<typeof AccountInputSchema>;

export const AccountUpdateSchema = z.object({
  id: z.string(),
  label: z.string().trim().min(1, 'Give the account a name').max(60).optional(),
  publicKey: z.string().trim().max(200).optional(),
  /** replace a secret: a new value; remove it: null; leave it: undefined */
  secretKey: z.string().trim().max(300).nullable().optional(),
  webhookSecret: z.string().trim().max(300).nullable().optional(),
  /** the shop's return pages (https; {ref} = the order reference): a new address, or null / '' to clear */
  returnSuccessUrl: z.string().trim().max(500, 'Keep the address under 500 characters').nullable().optional(),
  returnCancelUrl: z.string().trim().max(500, 'Keep the address under 500 characters').nullable().optional(),
});

export const accountMethods = {
  'accounts.list': query(EmptySchema, z.array(AccountSchema), STAFF),
  'accounts.create': mutation(AccountInputSchema, AccountSchema, owner('add gateway keys')),
  'accounts.update': mutation(AccountUpdateSchema, AccountSchema, owner('change gateway keys')),
  'accounts.verify': mutation(z.object({ id: z.string() }), AccountSchema, owner('check gateway keys')),
  'accounts.remove': mutation(z.object({ id: z.string() }), OkSchema, owner('remove gateway keys')),
};

export const accountEvents = {
  'account.changed': z.object({ id: z.string() }),
};
