// A create request's body as links.create input: the integration document's fields (order_id, amount in minor units,
// currency) and the optional ones, checked with the console's own schema so both refuse the same things,
// and the account that will take it.
import { LinkCreateInputSchema, type ApiToken } from '../../../shared/contract';
import { gatewayLabel, type Gateway, type LinkKind } from '../../../shared/gateways';
import { isKnownCurrency, toMajorString } from '../../../shared/money';
import type { LinkCreateParsed } from '../payments/links';
import type { AccountRow } from '../store/repos/accounts';
import { API_FIELD, HttpError } from './errors';
import type { RouteDeps } from './route-types';

export function parseJsonBody(raw: Buffer): Record<string, unknown> {
  const text = raw.toString('utf8');
  if (!text.trim()) return {};
  let body: unknown;
  try {
    body = JSON.parse(text) as unknown;
  } catch {
    throw new HttpError(400, 'invalid_json', 'The body is not valid JSON.');
  }
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw new HttpError(400, 'invalid_input', 'The body must be a JSON object.');
  return body as Record<string, unknown>;
}

export const str = (v: unknown, field: string, max: number, required = false): string | undefined => {
  if (v === undefined || v === null || v === '') {
    if (required) throw new HttpError(400, 'invalid_input', `${field} is required.`, field);
    return undefined;
  }
  if (typeof v === 'number' && Number.isFinite(v) && field === 'order_id') return String(v);
  if (typeof v !== 'string') throw new HttpError(400, 'invalid_input', `${field} must be a string.`, field);
  if (v.length > max) throw new HttpError(400, 'invalid_input', `${field} is longer than ${max} characters.`, field);
  return v;
};

export const positiveInt = (v: unknown, field: string, what: string): number | undefined => {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v <= 0) throw new HttpError(400, 'invalid_input', `${field} must be ${what}.`, field);
  return v;
};

/** `account_id`, or the first verified account of the gateway in the token's mode */
export function accountFor(d: RouteDeps, gateway: Gateway, token: ApiToken, accountId: string | undefined): AccountRow {
  if (accountId) {
    const a = d.accounts.get(accountId);
    if (!a || a.gateway !== gateway) throw new HttpError(404, 'not_found', `No ${gatewayLabel(gateway)} account ${accountId}.`, 'account_id');
    if (a.mode !== token.mode) throw new HttpError(403, 'mode_mismatch', `Account ${accountId} is a ${a.mode} account and this token is for ${token.mode} mode. Use a ${a.mode}-mode token, or another account.`, 'account_id');
    return a;
  }
  const list = d.accounts.list().filter((a) => a.gateway === gateway && a.mode === token.mode && a.secretKeyRef && (!a.sandbox || d.gateways.sandboxUrl));
  const pick = list.find((a) => a.verificationStatus === 'verified') ?? list.find((a) => a.verificationStatus !== 'failed');
  if (!pick) {
    throw new HttpError(400, 'no_account', `There is no ${gatewayLabel(gateway)} account in ${token.mode} mode to take this payment. Connect one in Paydesk → Settings → Accounts (with its keys checked), or pass the account_id of one.`, 'account_id');
  }
  return pick;
}

/** The parsed input and its account; `requestId` makes links.create return the same payment for a retry. */
export function linkInput(d: RouteDeps, b: Record<string, unknown>, gateway: Gateway, kind: LinkKind, token: ApiToken, requestId: string | undefined): { input: LinkCreateParsed; account: AccountRow; amountMinor: number } {
  const orderRef = str(b.order_id, 'order_id', 40, true) as string;
  const currencyRaw = str(b.currency, 'currency', 3, true) as string;
  const currency = currencyRaw.toUpperCase();
  if (!/^[A-Z]{3}$/.test(currency) || !isKnownCurrency(currency)) throw new HttpError(400, 'invalid_input', `Unknown currency ${currencyRaw}.`, 'currency');
  const amount = positiveInt(b.amount, 'amount', 'a positive integer in minor units (e.g. 2500 for 25.00)');
  if (amount === undefined) throw new HttpError(400, 'invalid_input', 'amount is required: a positive integer in minor units (e.g. 2500 for 25.00).', 'amount');
  const expires = positiveInt(b.expires_in_minutes ?? (typeof b.expires_in === 'number' ? Math.ceil(b.expires_in / 60) : b.expires_in), b.expires_in_minutes !== undefined ? 'expires_in_minutes' : 'expires_in', 'a positive integer');
  const account = accountFor(d, gateway, token, str(b.account_id, 'account_id', 64));
  const parsed = LinkCreateInputSchema.safeParse({
    accountId: account.id,
    mode: token.mode,
    kind,
    amount: toMajorString(amount, currency),
    currency,
    orderRef,
    description: str(b.description, 'description', 250),
    customerName: str(b.customer_name, 'customer_name', 100),
    customerEmail: str(b.customer_email, 'customer_email', 254),
    customerPhone: str(b.customer_phone, 'customer_phone', 30),
    successUrl: str(b.success_url, 'success_url', 500),
    cancelUrl: str(b.cancel_url, 'cancel_url', 500),
    ...(expires !== undefined ? { expiresInMinutes: expires } : {}),
    ...(requestId ? { requestId } : {}),
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const key = typeof issue?.path[0] === 'string' ? issue.path[0] : undefined;
    throw new HttpError(400, 'invalid_input', issue?.message ?? 'The request is not valid.', key === undefined ? undefined : (API_FIELD[key] ?? key));
  }
  return { input: parsed.data, account, amountMinor: amount };
}
