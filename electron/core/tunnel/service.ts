// The webhooks domain service that the handlers of shared/contract/webhooks.ts call:
// the tunnel (start/stop/configure/status), the webhook setup of each account, and the automatic
// endpoint registration (for gateways with an API for it) whenever the public URL becomes known or changes.
// Everything it needs comes in through createTunnelService's deps, so it runs against fakes, the
// Paydesk Sandbox or the real gateways alike. Secrets: the ngrok authtoken lives in the vault under
// TUNNEL_SECRET_REFS; webhook signing secrets go through `storeWebhookSecret`; neither is ever
// returned (except the one-time secret the merchant must paste where webhooks are set up by hand), logged or emitted.
import type {
  EventName, EventPayload, Mode, RazorpaySecret, SecretPresence, StripeWebhookSetup, TunnelConfigureInput, TunnelOverview,
  TunnelStartInput, TunnelStatus, WebhooksSetup,
} from '../../../shared/contract';
import { AppError, invalid } from '../../../shared/errors';
import { gatewayLabel, type Gateway } from '../../../shared/gateways';
import type { EndpointPort } from '../gateways/ports/endpoints';
import type { WebhookPort } from '../gateways/ports/webhooks';
import { ensureEndpoint, webhookUrlFor } from './endpoint';
import { createTunnelManager, type BackoffOptions, type Timers, type TunnelManager } from './manager';
import { createNgrokProvider, type NgrokSdk } from './ngrok';
import { createOwnUrlProvider, validateOwnUrl, type ReachabilityProbe } from './own-url';
import type { TunnelProvider } from './provider';
import { createWebhookSecret } from './webhook-secret';

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
  gateway: Gateway;
  mode: Mode;
  label: string;
  webhookSecret: SecretPresence;
}

type WebhooksEventName = Extract<EventName, 'tunnel.changed' | 'webhooks.changed'>;

export interface TunnelServiceDeps {
  /** port of the local webhook listener (electron/core/webhooks/listener.ts); null when not running */
  getListenerPort: () => number | null;
  /** the listener's socket entry (../api/forwarded.ts), where ngrok forwards when there is one */
  getListenerSocket?: () => string | null;
  vault: TunnelVault;
  accounts: () => WebhookAccount[] | Promise<WebhookAccount[]>;
  /** the webhook port of a gateway's adapter: how its webhooks are set up */
  webhooks: (gateway: Gateway) => WebhookPort;
  /** the account's endpoint port (`gateways.client(id).endpoints`); throws AppError when the account cannot be used */
  endpointsFor: (accountId: string) => EndpointPort | null | Promise<EndpointPort | null>;
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

interface Registration {
  state: 'pending' | 'registered' | 'failed';
  url: string;
  registeredUrl: string | null;
  endpointId: string | null;
  error: string | null;
  checkedAt: number | null;
}

export interface TunnelService {
  status(): TunnelStatus;
  /** whether the public address stays the same across restarts and desks: the shop's own URL or a reserved ngrok domain */
  stableAddress(): boolean;
  overview(): Promise<TunnelOverview>;
  /** throws AppError invalid_input (field ownUrl) for a bad own URL; otherwise never throws */
  start(input: TunnelStartInput): Promise<TunnelStatus>;
  stop(): Promise<TunnelStatus>;
  configure(input: TunnelConfigureInput): Promise<TunnelOverview>;
  setup(): Promise<WebhooksSetup>;
  /** register the endpoint(s) now (one account or all whose gateway has an API for it) with the current public URL */
  registerEndpoints(accountId?: string): Promise<WebhooksSetup>;
  /** generate, store and return once a new webhook secret, for a gateway whose webhooks are set up by hand */
  webhookSecret(accountId: string): Promise<RazorpaySecret>;
  /** an endpoint registered outside the tunnel (the embedded sandbox points at the local listener): shown as registered */
  recordRegistration(accountId: string, r: { url: string; endpointId: string | null }): void;
  /** resolves when queued endpoint registrations are done (tests, shutdown) */
  idle(): Promise<void>;
  close(): Promise<void>;
}

type ManualSetup = Extract<WebhookPort['setup'], { kind: 'manual' }>;
type ManualWebhookSetup = WebhooksSetup['razorpay'][number];

const errorText = (e: unknown): string => (e instanceof AppError ? e.message : 'Something went wrong while registering the webhook endpoint.');

export function createTunnelService(d: TunnelServiceDeps): TunnelService {
  const clock = d.clock ?? { now: () => Date.now() };
  const log = d.log ?? (() => undefined);
  const registrations = new Map<string, Registration>();
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
    getSocket: d.getListenerSocket,
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

  const registersByApi = (a: WebhookAccount): boolean => d.webhooks(a.gateway).setup.kind === 'api';
  const apiAccounts = async (only?: string): Promise<WebhookAccount[]> =>
    (await d.accounts()).filter((a) => registersByApi(a) && (only === undefined || a.id === only));

  const registerOne = async (account: WebhookAccount, publicUrl: string): Promise<void> => {
    const url = webhookUrlFor(publicUrl, account.gateway, account.id);
    const prev = registrations.get(account.id);
    registrations.set(account.id, { state: 'pending', url, registeredUrl: prev?.registeredUrl ?? null, endpointId: prev?.endpointId ?? null, error: null, checkedAt: prev?.checkedAt ?? null });
    emitSetup(account.id);
    try {
      const port = await d.endpointsFor(account.id);
      if (!port) throw new AppError('internal', `${gatewayLabel(account.gateway)} has no API to register a webhook endpoint.`);
      const r = await ensureEndpoint(port, {
        gateway: account.gateway,
        accountId: account.id,
        publicUrl,
        storeWebhookSecret: d.storeWebhookSecret,
        hasWebhookSecret: () => account.webhookSecret.configured,
      });
      registrations.set(account.id, { state: 'registered', url, registeredUrl: r.url, endpointId: r.endpointId, error: null, checkedAt: clock.now() });
      log('info', `${account.gateway} webhook endpoint ${r.action} for account ${account.id}`);
    } catch (e) {
      registrations.set(account.id, { state: 'failed', url, registeredUrl: prev?.registeredUrl ?? null, endpointId: prev?.endpointId ?? null, error: errorText(e), checkedAt: clock.now() });
      log('warn', `${account.gateway} webhook endpoint for account ${account.id} failed: ${errorText(e)}`);
    }
    emitSetup(account.id);
  };

  /** queue a registration run; runs one at a time so two URL changes never race on the same endpoint */
  const queueRegistration = (publicUrl: string, only?: string): Promise<void> => {
    const run = chain.then(async () => {
      if (closed) return;
      // the URL may have moved on while this run waited in the queue
      if (manager.status().url !== publicUrl) return;
      for (const account of await apiAccounts(only)) {
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

  const registered = (a: WebhookAccount, publicUrl: string | null, secret: SecretPresence): StripeWebhookSetup => {
    const reg = registrations.get(a.id);
    return {
      accountId: a.id,
      label: a.label,
      mode: a.mode,
      url: publicUrl ? webhookUrlFor(publicUrl, a.gateway, a.id) : null,
      registration: reg?.state ?? 'not_started',
      registeredUrl: reg?.registeredUrl ?? null,
      endpointId: reg?.endpointId ?? null,
      error: reg?.error ?? null,
      checkedAt: reg?.checkedAt ?? null,
      webhookSecret: secret,
    };
  };

  const byHand = (a: WebhookAccount, publicUrl: string | null, secret: SecretPresence, how: ManualSetup, ephemeral: boolean): ManualWebhookSetup => {
    const url = publicUrl ? webhookUrlFor(publicUrl, a.gateway, a.id) : null;
    const check = url ? how.checkUrl(url, { ephemeral }) : null;
    return {
      accountId: a.id,
      label: a.label,
      mode: a.mode,
      url,
      events: [...how.events],
      webhookSecret: secret,
      warnings: check?.warnings ?? [],
      recommendation: check?.recommendation ?? null,
    };
  };

  const setup = async (): Promise<WebhooksSetup> => {
    const status = manager.status();
    const publicUrl = status.state === 'online' ? status.url : null;
    const ephemeral = status.provider === 'ngrok' && !ngrokHasReservedDomain;
    // the contract lists accounts registered by API and accounts set up by hand apart
    const byApi: StripeWebhookSetup[] = [];
    const manual: ManualWebhookSetup[] = [];
    for (const a of await d.accounts()) {
      const secret = { configured: a.webhookSecret.configured, last4: a.webhookSecret.last4 };
      const how = d.webhooks(a.gateway).setup;
      if (how.kind === 'api') byApi.push(registered(a, publicUrl, secret));
      else manual.push(byHand(a, publicUrl, secret, how, ephemeral));
    }
    return { publicUrl, tunnel: status, stripe: byApi, razorpay: manual };
  };

  return {
    status: () => manager.status(),
    stableAddress: () => {
      const provider = manager.status().provider;
      return provider === 'own' || (provider === 'ngrok' && ngrokHasReservedDomain);
    },
    overview,
    recordRegistration(accountId, r) {
      registrations.set(accountId, { state: 'registered', url: r.url, registeredUrl: r.url, endpointId: r.endpointId, error: null, checkedAt: clock.now() });
      emitSetup(accountId);
    },

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

    async registerEndpoints(accountId) {
      const status = manager.status();
      if (status.state !== 'online' || !status.url) {
        throw new AppError('unavailable', 'Start the tunnel first: the gateway needs a public URL to send webhooks to.');
      }
      if (accountId !== undefined && (await apiAccounts(accountId)).length === 0) {
        throw new AppError('not_found', 'There is no account with that id whose webhook endpoint Paydesk registers.');
      }
      await queueRegistration(status.url, accountId);
      return setup();
    },

    async webhookSecret(accountId) {
      const account = (await d.accounts()).find((a) => a.id === accountId);
      if (!account) throw new AppError('not_found', 'There is no account with that id.');
      if (registersByApi(account)) throw invalid('accountId', `${gatewayLabel(account.gateway)} creates its own webhook secrets; this is only for accounts whose webhooks are set up by hand.`);
      const secret = await createWebhookSecret(accountId, d.storeWebhookSecret);
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
