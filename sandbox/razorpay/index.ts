// Razorpay emulator for Paydesk Sandbox. See sandbox/razorpay/README.md.
//
// The REST API answers /v1/... for requests whose Basic-auth user is an rzp_ key id (the sandbox server routes
// on that, since Stripe's emulator shares /v1/payment_links and /v1/refunds). Point the official SDK at it with
//   instance.api.rq.defaults.baseURL = sandbox.url        // no "/v1": the SDK adds "/v1/..." to every path
// Hosted pages live under /rzp/, control routes under /__sandbox/razorpay/.

import type { GatewayModuleContext } from '../core/types';
import { registerApi } from './api';
import { registerCheckoutJs } from './checkout-js';
import { registerControl } from './control';
import { RazorpayEngine } from './engine';
import { registerPages } from './pages';

export { razorpaySigner } from './sign';
export { CONTROL_PREFIX as RAZORPAY_CONTROL_PREFIX } from './control';
export { RazorpayEngine } from './engine';

export function registerRazorpay(ctx: GatewayModuleContext): void {
  const engine = new RazorpayEngine(ctx);
  registerApi(ctx.routes, engine, { id: () => ctx.keys.RAZORPAY_KEY_ID, secret: () => ctx.keys.RAZORPAY_KEY_SECRET });
  registerPages(ctx.routes, engine);
  registerCheckoutJs(ctx.routes);
  registerControl(ctx.control, engine);
  // link expiry and the 3-day auto-refund of uncaptured payments run when sandbox time moves
  ctx.clock.onAdvance(() => engine.sweep());
}
