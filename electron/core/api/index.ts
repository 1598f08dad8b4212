// The merchant HTTP API (for the merchant's own shop or scripts): off by default; switched on in Settings
// (api.enable), served on its own loopback port for scripts on this computer and, for the shop's website,
// under /api/ of the edge listener the tunnel exposes (../webhooks/listener.ts), with bearer tokens an owner
// creates (shown once, stored hashed, revocable).
import { z } from 'zod';
import type { ApiStatus } from '../../../shared/contract';
import { AppError, invalid } from '../../../shared/errors';
import type { CoreDeps } from '../deps';
import type { EdgeApi } from '../webhooks/listener';
import { publicHostOf } from './forwarded';
import { startMerchantApiServer, type MerchantApiServer } from './server';
import { createTokenStore, type TokenStore } from './tokens';

const CONFIG_KEY = 'api.config';
const ConfigSchema = z.object({ enabled: z.boolean(), port: z.number().int().min(0).max(65535).nullable() });
type Config = z.infer<typeof ConfigSchema>;

export interface ApiService {
  status(): ApiStatus;
  enable(port: number | undefined): Promise<ApiStatus>;
  disable(): Promise<ApiStatus>;
  tokens: TokenStore;
  /** the handler for /api/ on the edge listener while the API runs, else null */
  edge(): EdgeApi | null;
  /** on start: serve when switched on */
  startIfEnabled(): Promise<void>;
  close(): Promise<void>;
}

/** What the merchant API needs of core: the payment services it serves, settings, and the listener's port. */
export type ApiDeps = Pick<CoreDeps, 'options' | 'repos' | 'gateways' | 'runtime' | 'events' | 'clock' | 'log' | 'payments' | 'refunds'>;

/** `publicUrl`: the public address the tunnel serves the edge under, null while there is none. */
export function createApiService(d: ApiDeps, publicUrl: () => string | null = () => null): ApiService {
  const tokens = createTokenStore(d.repos.settings, () => d.clock.now());
  let server: MerchantApiServer | null = null;
  let error: string | null = null;
  let chain: Promise<unknown> = Promise.resolve();
  const config = (): Config => d.repos.settings.get(CONFIG_KEY, ConfigSchema, { enabled: false, port: null });
  const emit = (): void => d.events.emit('api.changed', {});
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const next = chain.catch(() => undefined).then(fn);
    chain = next.catch(() => undefined);
    return next;
  };

  const status = (): ApiStatus => {
    const c = config();
    return {
      enabled: c.enabled,
      running: server !== null,
      port: server?.port ?? c.port,
      url: server ? server.url : null,
      error: c.enabled && !server ? error : null,
      tokens: tokens.count(),
    };
  };

  async function start(port: number): Promise<void> {
    const webhookPort = d.runtime.webhookListenerPort;
    if (port !== 0 && webhookPort !== null && port === webhookPort) {
      throw invalid('port', `Port ${port} is the webhook listener's port, which a tunnel may expose. Choose another port for the API.`);
    }
    server = await startMerchantApiServer({
      port,
      tokens,
      services: () => d.payments,
      refunds: () => d.refunds,
      accounts: d.repos.accounts,
      idempotency: d.repos.apiIdempotency,
      rate: d.repos.apiRate,
      audit: d.repos.audit,
      now: () => d.clock.now(),
      gateways: d.gateways,
      log: d.log,
      avoidPort: () => d.runtime.webhookListenerPort,
      publicHost: () => publicHostOf(publicUrl()),
    });
    error = null;
    d.log('info', `merchant API listening on ${server.url} and under /api/ of the webhook listener`);
  }

  async function stop(): Promise<void> {
    const s = server;
    server = null;
    if (s) await s.close();
  }

  return {
    tokens,
    status,
    edge: () => server?.serveEdge ?? null,
    enable: (port) => serial(async () => {
      const wanted = port ?? config().port ?? 0;
      if (wanted !== 0 && wanted < 1024) throw invalid('port', 'Choose a port between 1024 and 65535 (or 0 for any free port).');
      if (server && (wanted === 0 || wanted === server.port)) {
        d.repos.settings.set(CONFIG_KEY, { enabled: true, port: server.port });
        emit();
        return status();
      }
      await stop();
      try {
        await start(wanted);
      } catch (err) {
        error = err instanceof AppError ? err.message : 'The API could not start.';
        if (err instanceof AppError) throw new AppError(err.code, err.message, { field: 'port', retryable: err.retryable });
        throw err;
      }
      // remember the actual port so the shop's configuration keeps working after a restart
      d.repos.settings.set(CONFIG_KEY, { enabled: true, port: server ? (server as MerchantApiServer).port : wanted });
      emit();
      return status();
    }),
    disable: () => serial(async () => {
      await stop();
      d.repos.settings.set(CONFIG_KEY, { enabled: false, port: config().port });
      emit();
      return status();
    }),
    startIfEnabled: () => serial(async () => {
      const c = config();
      if (!c.enabled || server) return;
      try {
        await start(c.port ?? 0);
      } catch (err) {
        error = err instanceof AppError ? err.message : 'The API could not start.';
        d.log('warn', `merchant API not started: ${error}`);
        emit();
      }
    }),
    close: () => serial(stop),
  };
}
