import { z } from 'zod';

/**
 * Who may call a method:
 * - `open`: anyone, even while the desk is locked (status, sign-in, lock, ping);
 * - `staff`: any signed-in operator, staff or owner (and the merchant API, which acts as staff);
 * - `owner`: owners only. Everything that reveals, generates or changes a secret, or changes where money
 *   or events are routed, is `owner`.
 */
export type Role = 'open' | 'staff' | 'owner';

/**
 * A method's access declaration. `audited` methods write exactly one audit row, in the same transaction
 * as their change. Owner-only methods say in words what they do, for the refusal and the UI's reason.
 */
export type Access =
  | { role: 'open' | 'staff'; audited: boolean }
  | { role: 'owner'; audited: boolean; what: string };

/** A method of the RPC contract: `query` reads, `mutation` changes state (react-query uses the kind). */
export interface MethodDef<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  kind: 'query' | 'mutation';
  input: I;
  output: O;
  /** required: a method without a role does not build, and dispatch enforces it before the handler runs */
  access: Access;
}

export const query = <I extends z.ZodType, O extends z.ZodType>(input: I, output: O, access: Access): MethodDef<I, O> => ({ kind: 'query', input, output, access });
export const mutation = <I extends z.ZodType, O extends z.ZodType>(input: I, output: O, access: Access): MethodDef<I, O> => ({ kind: 'mutation', input, output, access });

/** The usual declarations, so the contract reads as a table. */
export const OPEN = { role: 'open', audited: false } as const satisfies Access;
export const STAFF = { role: 'staff', audited: false } as const satisfies Access;
export const STAFF_AUDITED = { role: 'staff', audited: true } as const satisfies Access;
export const owner = (what: string): Access => ({ role: 'owner', audited: true, what });
export const ownerReads = (what: string): Access => ({ role: 'owner', audited: false, what });

export const EmptySchema = z.object({}).strict();
export const OkSchema = z.object({ ok: z.literal(true) });
