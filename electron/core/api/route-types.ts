// What a route of the merchant API is: method, path pattern, the token scope it needs, and a handler that
// answers from the request's token, path parameters and parsed body. server.ts matches, authenticates,
// checks the scope, reads the body and applies Idempotency-Key; routes-*.ts hold the routes.
import type { ApiScope, ApiToken } from '../../../shared/contract';
import type { Gateways } from '../gateways';
import type { PaymentServices } from '../handlers/payments';
import type { Log } from '../log';
import type { RefundsService } from '../refunds';
import type { AccountsRepo } from '../store/repos/accounts';
import type { Answer } from './idempotency';

export type Scope = ApiScope;

export interface RouteDeps {
  services: () => PaymentServices;
  refunds: () => RefundsService | null;
  accounts: AccountsRepo;
  gateways: Gateways;
  log: Log;
  now: () => number;
}

export interface RouteCall {
  token: ApiToken;
  /** the pattern's groups */
  params: string[];
  /** the parsed JSON body of a POST ({} when empty) */
  body: Record<string, unknown>;
  /** the Idempotency-Key header, checked */
  idempotencyKey: string | undefined;
}

export interface Route {
  method: 'GET' | 'POST';
  /** the path, for the OpenAPI check and the audit log ("/api/payments/{id}") */
  path: string;
  pattern: RegExp;
  /** the token scope it needs; null = answered without a token (the API's own description) */
  scope: Scope | null;
  handle(call: RouteCall): Promise<Answer>;
}

export type { Answer } from './idempotency';
