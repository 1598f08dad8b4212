// The registry of gateway adapters: which adapter serves an account, and its client bound to the account's
// keys (from the accounts table and the vault), cached until the keys change.
import type { Gateway } from '../../../shared/gateways';
import type { AccountRow } from '../store/repos/accounts';
import type { GatewayAdapter, GatewayClient } from './adapter';

/** Keys being tried before they are saved (Settings → Accounts → Verify). `baseUrl` null = the gateway's real API. */
export interface KeyTarget {
  gateway: Gateway;
  /** Stripe publishable key / Razorpay key id */
  publicKey: string | null;
  secret: string;
  baseUrl: string | null;
}

export interface Gateways {
  /** the adapter of a gateway */
  adapter(gateway: Gateway): GatewayAdapter;
  /** the account's gateway client (throws AppError: not_found, invalid_input without keys, unavailable when the sandbox is off) */
  client(accountId: string): GatewayClient;
  /** the account row and the base URL its client uses (null = real API) */
  resolve(accountId: string): { account: AccountRow; baseUrl: string | null };
  /** a read-only call proving the keys work; throws the mapped AppError */
  verifyKeys(target: KeyTarget): Promise<void>;
  /** drop cached clients of an account (after its keys change or it is removed) */
  forget(accountId: string): void;
  /** the embedded sandbox base URL, or null when it is off */
  readonly sandboxUrl: string | null;
}
