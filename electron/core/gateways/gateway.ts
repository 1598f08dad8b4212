// The gateway seam: how core obtains a configured SDK client for an account, and verifies keys.
// Sandbox accounts reach the embedded Paydesk Sandbox through its base URL; others the real API.
import type Stripe from 'stripe';
import type Razorpay from 'razorpay';
import type { Gateway } from '../../../shared/contract';
import type { AccountRow } from '../store/repos/accounts';

/** Where and with what a client talks. `baseUrl` null = the gateway's real API. */
export interface KeyTarget {
  gateway: Gateway;
  /** Stripe publishable key / Razorpay key id */
  publicKey: string | null;
  secret: string;
  baseUrl: string | null;
}

export interface Gateways {
  /** a stripe-node client for a Stripe account (throws AppError: not_found, invalid_input without a secret, unavailable when the sandbox is off) */
  stripe(accountId: string): Stripe;
  /** a razorpay-node client for a Razorpay account */
  razorpay(accountId: string): Razorpay;
  /** the account row and the base URL its client uses (null = real API) */
  resolve(accountId: string): { account: AccountRow; baseUrl: string | null };
  /** a read-only call proving the keys work (Stripe balance.retrieve, Razorpay payments.all({count:1})); throws the mapped AppError */
  verifyKeys(target: KeyTarget): Promise<void>;
  /** drop cached clients of an account (after its keys change or it is removed) */
  forget(accountId: string): void;
  /** the embedded sandbox base URL, or null when it is off */
  readonly sandboxUrl: string | null;
}
