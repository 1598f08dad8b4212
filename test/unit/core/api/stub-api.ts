// The merchant API server on real sockets with payments stubbed: an authorized status check finds nothing
// (404), and nothing else is reachable. Served on its own port and under /api/ of an edge listener (port and
// socket entry) with the same limits, as core wires them. For the throttle and limits tests.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { z } from 'zod';
import { startMerchantApiServer, type MerchantApiOptions, type MerchantApiServer } from '../../../../electron/core/api/server';
import { createTokenStore } from '../../../../electron/core/api/tokens';
import type { Gateways } from '../../../../electron/core/gateways';
import type { PaymentServices } from '../../../../electron/core/handlers/payments';
import { startWebhookListener, type WebhookListener } from '../../../../electron/core/webhooks/listener';
import type { AccountsRepo } from '../../../../electron/core/store/repos/accounts';
import type { SettingsRepo } from '../../../../electron/core/store/repos/settings';

const memorySettings = (): SettingsRepo => {
  const values = new Map<string, unknown>();
  return {
    get: <S extends z.ZodType>(key: string, schema: S, fallback: z.output<S>) => (values.has(key) ? schema.parse(values.get(key)) : fallback),
    set: (key: string, value: unknown) => void values.set(key, JSON.parse(JSON.stringify(value))),
    remove: (key: string) => void values.delete(key),
  } as SettingsRepo;
};

export interface StubApi {
  api: MerchantApiServer;
  /** the edge listener in front of it, with a socket entry */
  edge: WebhookListener;
  /** a valid bearer token */
  token: string;
  close(): Promise<void>;
}

export async function startStubApi(opts: Pick<MerchantApiOptions, 'limits' | 'throttle' | 'now' | 'publicHost' | 'rate' | 'requestsPerMinute'> = {}): Promise<StubApi> {
  const dir = mkdtempSync(join(tmpdir(), 'paydesk-api-'));
  const tokens = createTokenStore(memorySettings(), opts.now ?? Date.now);
  const token = tokens.create('shop', 'test').secret;
  const api = await startMerchantApiServer({
    port: 0,
    tokens,
    services: () => ({ queries: { list: () => ({ rows: [] }) } }) as unknown as PaymentServices,
    accounts: { get: () => null, list: () => [] } as unknown as AccountsRepo,
    gateways: {} as Gateways,
    log: () => undefined,
    avoidPort: () => null,
    ...opts,
  });
  const edge = await startWebhookListener({
    port: 0,
    onDelivery: () => ({ status: 404 }),
    api: () => api.serveEdge,
    socketPath: join(dir, 'edge.sock'),
    limits: opts.limits,
  });
  return {
    api,
    edge,
    token,
    async close() {
      await Promise.all([api.close(), edge.close()]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
