// What every group of /v1 routes shares: where to register, the engine, the request pipeline and small helpers.
import { z } from 'zod';
import type { RouteRegistrar } from '../core/types.js';
import { isHttpUrl } from '../control.js';
import { zExpand, zString } from './form.js';
import type { createPipeline } from './http.js';
import type { StripeEngine } from './engine.js';
import type { StripeState } from './state.js';

export interface RouteKit {
  routes: RouteRegistrar;
  engine: StripeEngine;
  /** wraps a handler in the auth, idempotency, expand and error pipeline */
  endpoint: ReturnType<typeof createPipeline>;
  st(): StripeState;
  /** the sandbox clock in Unix seconds, as Stripe's timestamps are */
  sec(): number;
}

export const retrieveParams = z.strictObject({ expand: zExpand });
export const zUrl = zString.refine(isHttpUrl, { message: 'Not a valid URL' });
