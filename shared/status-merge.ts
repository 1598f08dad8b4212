// The joins of the payment state machine's facts (shared/status.ts): each merge is commutative, associative
// and idempotent, so facts may arrive in any order, any number of times. Pure TS.
import type { CaptureFact, FeeFact } from './status';

/** Deterministic choice between two failures: the later one, ties broken by the reason text. */
export function laterFailure(a: { at: number; reason: string } | null, b: { at: number; reason: string }): { at: number; reason: string } {
  if (a === null) return b;
  if (b.at !== a.at) return b.at > a.at ? b : a;
  return b.reason > a.reason ? b : a;
}

/** Join of two optional values: a value beats none, two different ones give the larger (set once in practice). */
const joinOpt = <T extends string | number>(a: T | undefined, b: T | undefined): T | undefined => (a === undefined ? b : b === undefined || a >= b ? a : b);
/** `o` with `v` under `k` unless undefined (the stored JSON of facts without it stays as it was). */
export const withOpt = <O extends object, K extends string, V>(o: O, k: K, v: V | undefined): O & { [P in K]?: V } => (v === undefined ? o : { ...o, [k]: v });

export function mergeCapture(a: CaptureFact | undefined, b: CaptureFact): CaptureFact {
  if (!a) return b;
  return withOpt({ amount: Math.max(a.amount, b.amount), full: a.full || b.full, at: Math.min(a.at, b.at) }, 'method', joinOpt(a.method, b.method));
}

/** The larger amounts (fee, then tax, then net; a known net beats none), and each balance transaction field joined on its own. */
export function mergeFee(a: FeeFact | undefined, b: FeeFact): FeeFact {
  if (!a) return b;
  // both known and different (should not happen): keep the larger fee, deterministically
  const w = b.fee !== a.fee ? (b.fee > a.fee ? b : a) : b.tax !== a.tax ? (b.tax > a.tax ? b : a) : a.net === null ? b : b.net === null ? a : b.net > a.net ? b : a;
  const merged = withOpt(withOpt({ fee: w.fee, tax: w.tax, net: w.net }, 'balanceTxnId', joinOpt(a.balanceTxnId, b.balanceTxnId)), 'availableOn', joinOpt(a.availableOn, b.availableOn));
  return sameFee(a, merged) ? a : merged;
}
const sameFee = (a: FeeFact, b: FeeFact): boolean => a.fee === b.fee && a.tax === b.tax && a.net === b.net && a.balanceTxnId === b.balanceTxnId && a.availableOn === b.availableOn;
/** an optional string fact field: a short non-empty string, else none */
export const optText = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 && v.length <= 64 ? v : undefined);

export function isNonNegInt(n: unknown): n is number {
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;
}
