// The Stripe half of Paydesk Sandbox.
import type { GatewayModuleContext } from '../core/types.js';
import { StripeEngine } from './engine.js';
import { registerStripeRoutes } from './routes.js';
import { registerStripePages } from './pages.js';
import { registerStripeControl } from './control.js';

export function registerStripe(ctx: GatewayModuleContext): StripeEngine {
  const engine = new StripeEngine(ctx);
  registerStripeRoutes(ctx.routes, engine, { secret: ctx.keys.STRIPE_SECRET_KEY, publishable: ctx.keys.STRIPE_PUBLISHABLE_KEY });
  registerStripePages(ctx.routes, engine);
  registerStripeControl(ctx.control, engine);
  // a restored state file carries the endpoints; make sure the dispatcher knows every one of them
  for (const id of Object.keys(engine.state.webhookEndpoints)) engine.syncTarget(id);
  return engine;
}
