// Paydesk Sandbox: composes one HTTP server, one clock, one state store, one webhook dispatcher and
// the two gateway modules. The official SDKs talk to it unchanged (see README.md).
import type { Gateway } from '../shared/gateways.js';
import { createClock } from './core/clock.js';
import { newId, randomBase62 } from './core/ids.js';
import { createSandboxServer } from './core/server.js';
import { createStateStore } from './core/state.js';
import { createWebhookDispatcher, type SandboxWebhookDispatcher } from './core/webhooks.js';
import type { FaultInjector } from './core/faults.js';
import type { GatewayModuleContext, Sandbox, SandboxKeys, SandboxOptions } from './core/types.js';
import { registerControl } from './control.js';
import { registerStripe } from './stripe/index.js';
import { registerRazorpay } from './razorpay/index.js';

export type { Sandbox, SandboxKeys, SandboxOptions } from './core/types.js';
export { sandboxControl, type SandboxControl, type ControlResponse } from './client.js';

/** What createSandbox returns: the `Sandbox` seam plus handles tests use. */
export interface RunningSandbox extends Sandbox {
  webhooks: SandboxWebhookDispatcher;
  faults: FaultInjector;
  /** writes the state file now (it is also written shortly after every change, and on close) */
  flush(): void;
}

/** Used when no state file is given, so a throwaway sandbox always has the same keys. */
export const DEFAULT_KEYS: SandboxKeys = {
  STRIPE_SECRET_KEY: 'sk_test_51PaydeskSandbox0000000000000000000000000000000000000000000000000000000000000000000000000000000000',
  STRIPE_PUBLISHABLE_KEY: 'pk_test_51PaydeskSandbox0000000000000000000000000000000000000000000000000000000000000000000000000000000000',
  RAZORPAY_KEY_ID: 'rzp_test_PaydeskSandbx0',
  RAZORPAY_KEY_SECRET: 'PaydeskSandboxSecret0000',
};

function generateKeys(): SandboxKeys {
  // same shapes as the real ones: sk_test_51 + 99 characters; rzp_test_ + 14; a 24-character secret
  const account = randomBase62(14);
  return {
    STRIPE_SECRET_KEY: `sk_test_51${account}${randomBase62(85)}`,
    STRIPE_PUBLISHABLE_KEY: `pk_test_51${account}${randomBase62(85)}`,
    RAZORPAY_KEY_ID: `rzp_test_${randomBase62(14)}`,
    RAZORPAY_KEY_SECRET: randomBase62(24),
  };
}

/** A fresh control token: about 256 random bits, with a prefix that says what it is when it turns up in a log. */
function generateControlToken(): string {
  return `sbxctl_${randomBase62(43)}`;
}

interface CoreSlice {
  keys: SandboxKeys | null;
  /** random per sandbox, never a fixed default: with a state file it survives a restart, like the keys */
  controlToken: string | null;
  /** offset of the built-in clock, so sandbox time never goes backwards across a restart */
  clockOffsetMs: number;
  instanceId: string;
}

export async function createSandbox(options: SandboxOptions = {}): Promise<RunningSandbox> {
  const state = createStateStore(options.stateFile);
  const core = state.slice<CoreSlice>('__core', () => ({ keys: null, controlToken: null, clockOffsetMs: 0, instanceId: newId('sbx', 12) }));
  if (!core.keys) {
    core.keys = options.stateFile ? generateKeys() : { ...DEFAULT_KEYS };
    state.touch();
  }
  if (!core.controlToken) {
    core.controlToken = generateControlToken();
    state.touch();
  }
  const keys: SandboxKeys = { ...core.keys };
  const controlToken = core.controlToken;

  const builtInClock = options.clock ? null : createClock(core.clockOffsetMs);
  const clock = options.clock ?? builtInClock!;
  if (builtInClock) {
    builtInClock.onAdvance(() => {
      core.clockOffsetMs = builtInClock.offsetMs();
      state.touch();
    });
  }

  const server = createSandboxServer({ controlToken });
  const webhooks = createWebhookDispatcher({
    clock,
    state,
    retryScheduleMs: options.webhookRetryScheduleMs,
    timeoutMs: options.webhookTimeoutMs,
  });
  const resetListeners: Array<() => void> = [];
  const moduleContext = (gateway: Gateway): GatewayModuleContext => ({
    routes: server.registrar(gateway),
    control: server.controlRegistrar(gateway),
    clock,
    state,
    webhooks,
    keys,
    options,
    baseUrl: () => server.baseUrl(),
    onReset: (listener) => resetListeners.push(listener),
  });

  registerStripe(moduleContext('stripe'));
  registerRazorpay(moduleContext('razorpay'));
  registerControl(server.registrar('core'), {
    clock,
    webhooks,
    faults: server.faults,
    keys,
    url: () => server.baseUrl(),
    reset() {
      // keys and the clock survive a reset: the app keeps working with the same credentials
      webhooks.reset();
      server.faults.clear();
      state.reset(['__core']);
      for (const listener of resetListeners) listener();
    },
  });

  const url = await server.listen(options.port ?? 0, options.host ?? '127.0.0.1');
  let closed = false;
  return {
    url,
    keys,
    controlToken,
    clock,
    webhooks,
    faults: server.faults,
    flush: () => state.flush(),
    async close() {
      if (closed) return;
      closed = true;
      webhooks.close();
      await server.close();
      state.close();
    },
  };
}
