import type { Handlers } from '../rpc';
import type { CoreDeps } from '../deps';
import { recordAudit } from '../audit';
import { listDeliveries } from '../webhooks/deliveries';
import { onlyOnLeaseHolder } from '../team/holder-only';

/**
 * The tunnel (public URL) and gateway webhook set-up; the work is in tunnel/service.ts. These changes
 * go through the network (ngrok, the gateway) rather than one database transaction, so each is recorded
 * right after it succeeded: a refused or failed call leaves no row.
 */
export function webhooksHandlers(d: CoreDeps): Handlers<'tunnel.'> & Handlers<'webhooks.'> {
  const t = d.tunnel;
  return {
    'tunnel.status': () => t.overview(),
    'tunnel.start': async (input, ctx) => {
      onlyOnLeaseHolder(d.team, 'Starting the public address');
      const status = await t.start(input);
      recordAudit(d.store.repos.audit, {
        operator: ctx.operator, action: 'tunnel.started', subject: { type: 'tunnel', id: input.provider },
        details: { provider: input.provider, url: status.url ?? input.ownUrl ?? null, state: status.state, problem: status.error }, at: d.clock.now(),
      });
      return status;
    },
    'tunnel.stop': async (_input, ctx) => {
      onlyOnLeaseHolder(d.team, 'Stopping the public address');
      const before = t.status();
      const status = await t.stop();
      recordAudit(d.store.repos.audit, { operator: ctx.operator, action: 'tunnel.stopped', subject: { type: 'tunnel', id: before.provider ?? 'none' }, details: { provider: before.provider, url: before.url }, at: d.clock.now() });
      return status;
    },
    'tunnel.configure': async (input, ctx) => {
      const overview = await t.configure(input);
      const authtoken = input.authtoken === undefined ? null : input.authtoken === null ? 'removed' : 'replaced';
      const domain = input.domain === undefined ? null : input.domain === null ? 'removed' : input.domain;
      recordAudit(d.store.repos.audit, { operator: ctx.operator, action: 'tunnel.configured', subject: { type: 'tunnel', id: 'ngrok' }, details: { authtokenChange: authtoken, domain }, at: d.clock.now() });
      return overview;
    },
    'webhooks.setup': () => t.setup(),
    'webhooks.registerStripe': async ({ accountId }, ctx) => {
      onlyOnLeaseHolder(d.team, 'Registering the Stripe webhook endpoint');
      const setup = await t.registerEndpoints(accountId);
      const endpoints = setup.stripe.filter((s) => accountId === undefined || s.accountId === accountId)
        .map((s) => ({ account: s.label, url: s.registeredUrl ?? s.url, result: s.registration, problem: s.error }));
      recordAudit(d.store.repos.audit, { operator: ctx.operator, action: 'webhook.endpoint_registered', subject: accountId ? { type: 'account', id: accountId } : null, details: { endpoints }, at: d.clock.now() });
      return setup;
    },
    'webhooks.razorpaySecret': async ({ accountId }, ctx) => {
      const made = await t.webhookSecret(accountId);
      const account = d.repos.accounts.get(accountId);
      recordAudit(d.store.repos.audit, {
        operator: ctx.operator, action: 'webhook.secret_generated', subject: { type: 'account', id: accountId },
        details: { account: account?.label ?? accountId, gateway: account?.gateway ?? null, endsWith: made.last4 }, livemode: account?.livemode ?? false, at: d.clock.now(),
      });
      return made;
    },
    'webhooks.deliveries': (input) => listDeliveries(d.store.repos.deliveries, d.webhookDuplicates, d.runtime.webhookListenerPort, input),
  };
}
