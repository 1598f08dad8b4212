// The webhooks domain service that the handlers of shared/contract/webhooks.ts call:
// the tunnel (start/stop/configure/status), the webhook setup of each account, and the automatic
// Stripe endpoint registration whenever the public URL becomes known or changes.
// Everything it needs comes in through createTunnelService's deps, so it runs against fakes, the
// Paydesk Sandbox or the real gateways alike. Secrets: the ngrok authtoken lives in the vault under
// TUNNEL_SECRET_REFS; webhook signing secrets go through `storeWebhookSecret`; neither is ever
// returned (except the one-time Razorpay secret the merchant must paste), logged or emitted.
import type Stripe from 'stripe';
import type {
  EventName, EventPayload, Mode, RazorpaySecret, SecretPresence, StripeWebhookSetup, TunnelConfigureInput, TunnelOverview,
  TunnelStartInput, TunnelStatus, WebhooksSetup,
} from '../../../shared/contract';
import { AppError, invalid } from '../../../shared/errors';
import { createTunnelManager, type BackoffOptions, type Timers, type TunnelManager } from './manager';
import { createNgrokProvider, type NgrokSdk } from './ngrok';
import { createOwnUrlProvider, validateOwnUrl, type ReachabilityProbe } from './own-url';
import type { TunnelProvider } from './provider';
import { checkRazorpayWebhookUrl, createRazorpayWebhookSecret, RAZORPAY_WEBHOOK_EVENTS } from './razorpay-url';
import { ensureStripeEndpoint, webhookUrlFor } from './stripe-endpoint';

/** Vault refs of the tunnel's own settings. */
export const TUNNEL_SECRET_REFS = { authtoken: 'tunnel:ngrok:authtoken', domain: 'tunnel:ngrok:domain' } as const;

/** The slice of the vault the service uses (core's Vault satisfies it). */
export interface TunnelVault {
  get(ref: string): string | null | Promise<string | null>;
  put(ref: string, secret: string): void | Promise<void>;
  remove(ref: string): void | Promise<void>;
  status(ref: string): SecretPresence | Promise<SecretPresence>;
}

/** What the service needs to know about an account (core's Account satisfies it). */
export interface WebhookAccount {
  id: string;
  gateway: 'stripe' | 'razorpay';
  mode: Mode;
  label: string;
  webhookSecret: SecretPresence;
}

type WebhooksEventName = Extract<EventName, 'tunnel.changed' | 'webhooks.changed'>;

export interface TunnelServiceDeps {
  /** port of the local webhook listener (electron/core/webhooks/listener.ts); null when not running */
  getListenerPort: () => number | null;
  vault: TunnelVault;
  accounts: () => WebhookAccount[] | Promise<WebhookAccount[]>;
  /** the official Stripe SDK for an account, with its secret key (and the sandbox host when sandboxed) */
  stripeFor: (accountId: string) => Stripe | Promise<Stripe>;
  /** store a webhook signing secret as the account's webhook secret (vault + account row) */
  storeWebhookSecret: (accountId: string, secret: string) => void | Promise<void>;
  emit: <E extends WebhooksEventName>(name: E, payload: EventPayload<E>) => void;
  clock?: { now(): number };
  timers?: Timers;
  random?: () => number;
  log?: (level: 'info' | 'warn' | 'error', message: string) => void;
  /** app version, reported to ngrok as client info */
  version?: string;
  /** accept http://127.0.0.1… as an own URL: only when the embedded Paydesk Sandbox delivers locally */
  allowLoopbackHttp?: boolean;
  /** check that an own URL answers before going online; default none (offline-safe) */
  ownUrlProbe?: ReachabilityProbe | null;
  /** default: import('@ngrok/ngrok') */
  loadNgrok?: () => Promise<NgrokSdk>;
  /** replace the providers (tests) */
  createProvider?: (input: TunnelStartInput, defaults: (input: TunnelStartInput) => TunnelProvider) => TunnelProvider;
  startTimeoutMs?: number;
  backoff?: Partial<BackoffOptions>;
  /** the public URL came up (reconnected = it had been online before): e.g. run the payments sync catch-up */
  onOnline?: (url: string, info: { reconnected: boolean }) => void;
}

interface StripeRegistration {
  state: 'pending' | 'registered' | 'failed';
  url: string;
  registeredUrl: string | null;
  endpointId: string | null;
  error: string | null;
  checkedAt: number | null;
}

export interface TunnelService {
  status(): TunnelStatus;
  overview(): Promise<TunnelOverview>;
  /** throws AppError invalid_input (field ownUrl) for a bad own URL; otherwise never throws */
  start(input: TunnelStartInput): Promise<TunnelStatus>;
  stop(): Promise<TunnelStatus>;
  configure(input: TunnelConfigureInput): Promise<TunnelOverview>;
  setup(): Promise<WebhooksSetup>;
  /** register the Stripe endpoint(s) now (one account or all) with the current public URL */
  registerStripe(accountId?: string): Promise<WebhooksSetup>;
  /** generate, store and return once a new Razorpay webhook secret */
  razorpaySecret(accountId: string): Promise<RazorpaySecret>;
  /** resolves when queued endpoint registrations are done (tests, shutdown) */
  idle(): Promise<void>;
  close(): Promise<void>;
}

const errorText = (e: unknown): string => (e instanceof AppError ? e.message : 'Something went wrong while registering the webhook endpoint.');

export function createTunnelService(d: TunnelServiceDeps): TunnelService {
  const clock = d.clock ?? { now: () => Date.now() };
  const log = d.log ?? (() => undefined);
  const registrations = new Map<string, StripeRegistration>();
  let ownUrl: string | null = null;
  let ngrokHasReservedDomain = false;
  let chain: Promise<void> = Promise.resolve();
  let lastOnlineUrl: string | null = null;
  let everOnline = false;
  let closed = false;

  const readNgrokSecrets = async (): Promise<{ authtoken: string | null; domain: string | null }> => {
    const [authtoken, domain] = await Promise.all([d.vault.get(TUNNEL_SECRET_REFS.authtoken), d.vault.get(TUNNEL_SECRET_REFS.domain)]);
    ngrokHasReservedDomain = !!domain;
    return { authtoken, domain };
  };

  const defaultProvider = (input: TunnelStartInput): TunnelProvider => input.provider === 'ngrok'
    ? createNgrokProvider({ secrets: readNgrokSecrets, loadSdk: d.loadNgrok, version: d.version, log })
    : createOwnUrlProvider({ url: input.ownUrl ?? '', allowLoopbackHttp: d.allowLoopbackHttp, probe: d.ownUrlProbe ?? null });

  const manager: TunnelManager = createTunnelManager({
    getPort: d.getListenerPort,
    emit: (name, payload) => d.emit(name, payload),
    clock,
    timers: d.timers,
    random: d.random,
    startTimeoutMs: d.startTimeoutMs,
    backoff: d.backoff,
    log,
  });

  const emitSetup = (accountId: string | null): void => {
    try { d.emit('webhooks.changed', { accountId }); } catch { /* listeners are not our problem */ }
  };

  const stripeAccounts = async (only?: string): Promise<WebhookAccount[]> =>
    (await d.accounts()).filter((a) => a.gateway === 'stripe' && (only === undefined || a.id === only));

  const registerOne = async (account: WebhookAccount, publicUrl: string): Promise<void> => {
    const url = webhookUrlFor(publicUrl, 'stripe', account.id);
    const prev = registrations.get(account.id);
    registrations.set(account.id, { state: 'pending', url, registeredUrl: prev?.registeredUrl ?? null, endpointId: prev?.endpointId ?? null, error: null, checkedAt: prev?.checkedAt ?? null });
    emitSetup(account.id);
    try {
      const stripe = await d.stripeFor(account.id);
      const r = await ensureStripeEndpoint({
        stripe,
        accountId: account.id,
        publicUrl,
        storeWebhookSecret: d.storeWebhookSecret,
        hasWebhookSecret: () => account.webhookSecret.configured,
      });
      registrations.set(account.id, { state: 'registered', url, registeredUrl: r.url, endpointId: r.endpointId, error: null, checkedAt: clock.now() });
      log('info', `stripe webhook endpoint ${r.action} for account ${account.id}`);
    } catch (e) {
      registrations.set(account.id, { state: 'failed', url, registeredUrl: prev?.registeredUrl ?? null, endpointId: prev?.endpointId ?? null, error: errorText(e), checkedAt: clock.now() });
      log('warn', `stripe webhook endpoint for account ${account.id} failed: ${errorText(e)}`);
    }
    emitSetup(account.id);
  };

  /** queue a registration run; runs one at a time so two URL changes never race on the same endpoint */
  const queueRegistration = (publicUrl: string, only?: string): Promise<void> => {
    const run = chain.then(async () => {
      if (closed) return;
      // the URL may have moved on while this run waited in the queue
      if (manager.status().url !== publicUrl) return;
      for (const account of await stripeAccounts(only)) {
        await registerOne(account, publicUrl);
      }
    }).catch((e: unknown) => log('warn', `webhook endpoint registration failed: ${errorText(e)}`));
    chain = run;
    return run;
  };

  manager.subscribe((s) => {
    if (s.state === 'online' && s.url && s.url !== lastOnlineUrl) {
      lastOnlineUrl = s.url;
      void queueRegistration(s.url);
    }
    if (s.state === 'online' && s.url) {
      const reconnected = everOnline;
      everOnline = true;
      try { d.onOnline?.(s.url, { reconnected }); } catch (e) { log('warn', `onOnline hook failed: ${String(e)}`); }
    }
    if (s.state === 'offline') {
      lastOnlineUrl = null;
      everOnline = false;
    }
  });

  const overview = async (): Promise<TunnelOverview> => {
    const [authtoken, domain] = await Promise.all([d.vault.status(TUNNEL_SECRET_REFS.authtoken), d.vault.get(TUNNEL_SECRET_REFS.domain)]);
    return {
      status: manager.status(),
      ngrok: { authtoken: { configured: authtoken.configured, last4: authtoken.last4 }, domain },
      ownUrl,
    };
  };

  const setup = async (): Promise<WebhooksSetup> => {
    const status = manager.status();
    const publicUrl = status.state === 'online' ? status.url : null;
    const accounts = await d.accounts();
    const ephemeral = status.provider === 'ngrok' && !ngrokHasReservedDomain;
    const stripe: StripeWebhookSetup[] = [];
    const razorpay: WebhooksSetup['razorpay'] = [];
    for (const a of accounts) {
      const secret = { configured: a.webhookSecret.configured, last4: a.webhookSecret.last4 };
      if (a.gateway === 'stripe') {
        const reg = registrations.get(a.id);
        stripe.push({
          accountId: a.id,
          label: a.label,
          mode: a.mode,
          url: publicUrl ? webhookUrlFor(publicUrl, 'stripe', a.id) : null,
          registration: reg?.state ?? 'not_started',
          registeredUrl: reg?.registeredUrl ?? null,
          endpointId: reg?.endpointId ?? null,
          error: reg?.error ?? null,
          checkedAt: reg?.checkedAt ?? null,
          webhookSecret: secret,
        });
      } else {
        const url = publicUrl ? webhookUrlFor(publicUrl, 'razorpay', a.id) : null;
        const check = url ? checkRazorpayWebhookUrl(url, { ephemeral }) : null;
        razorpay.push({
          accountId: a.id,
          label: a.label,
          mode: a.mode,
          url,
          events: [...RAZORPAY_WEBHOOK_EVENTS],
          webhookSecret: secret,
          warnings: check?.warnings ?? [],
          recommendation: check?.recommendation ?? null,
        });
      }
    }
    return { publicUrl, tunnel: status, stripe, razorpay };
  };

  return {
    status: () => manager.status(),
    overview,

    async start(input) {
      if (input.provider === 'own') {
        const check = validateOwnUrl(input.ownUrl ?? '', { allowLoopbackHttp: d.allowLoopbackHttp });
        if (!check.ok || !check.url) throw invalid('ownUrl', check.error ?? 'Enter the public https URL that forwards to Paydesk');
        ownUrl = check.url;
        input = { provider: 'own', ownUrl: check.url };
      }
      const provider = d.createProvider ? d.createProvider(input, defaultProvider) : defaultProvider(input);
      return manager.start(provider);
    },

    stop: () => manager.stop(),

    async configure(input) {
      if (input.authtoken !== undefined) {
        if (input.authtoken === null) await d.vault.remove(TUNNEL_SECRET_REFS.authtoken);
        else await d.vault.put(TUNNEL_SECRET_REFS.authtoken, input.authtoken);
      }
      if (input.domain !== undefined) {
        if (input.domain === null) await d.vault.remove(TUNNEL_SECRET_REFS.domain);
        else await d.vault.put(TUNNEL_SECRET_REFS.domain, input.domain);
        ngrokHasReservedDomain = input.domain !== null;
      }
      // the running tunnel keeps its settings until it is started again (the UI offers a restart)
      return overview();
    },

    setup,

    async registerStripe(accountId) {
      const status = manager.status();
      if (status.state !== 'online' || !status.url) {
        throw new AppError('unavailable', 'Start the tunnel first: Stripe needs a public URL to send webhooks to.');
      }
      if (accountId !== undefined && (await stripeAccounts(accountId)).length === 0) {
        throw new AppError('not_found', 'There is no Stripe account with that id.');
      }
      await queueRegistration(status.url, accountId);
      return setup();
    },

    async razorpaySecret(accountId) {
      const account = (await d.accounts()).find((a) => a.id === accountId);
      if (!account) throw new AppError('not_found', 'There is no account with that id.');
      if (account.gateway !== 'razorpay') throw invalid('accountId', 'Stripe creates its own webhook secrets; this is only for Razorpay accounts.');
      const secret = await createRazorpayWebhookSecret(accountId, d.storeWebhookSecret);
      emitSetup(accountId);
      return { accountId, secret, last4: secret.slice(-4) };
    },

    idle: () => chain,

    async close() {
      closed = true;
      await manager.stop();
      await chain;
    },
  };
}
