// Compile-time checks that core's parts plug straight into createTunnelService (so the lead's wiring is one object).
import { describe, expectTypeOf, it } from 'vitest';
import type { Vault } from '../../../../electron/core/vault';
import type { Gateways } from '../../../../electron/core/gateways';
import type { CoreEvents } from '../../../../electron/core/events';
import type { Account } from '../../../../shared/contract';
import type { Gateway } from '../../../../shared/gateways';
import type { TunnelServiceDeps, TunnelVault, WebhookAccount } from '../../../../electron/core/tunnel/service';

describe('tunnel service seams', () => {
  it('accepts core\'s vault, accounts, gateways and events as they are', () => {
    expectTypeOf<Vault>().toExtend<TunnelVault>();
    expectTypeOf<Account>().toExtend<WebhookAccount>();
    expectTypeOf<(id: string) => ReturnType<Gateways['client']>['endpoints']>().toExtend<TunnelServiceDeps['endpointsFor']>();
    expectTypeOf<(g: Gateway) => ReturnType<Gateways['adapter']>['webhooks']>().toExtend<TunnelServiceDeps['webhooks']>();
    expectTypeOf<CoreEvents['emit']>().toExtend<TunnelServiceDeps['emit']>();
  });
});
