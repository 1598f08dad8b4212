// The shared /__sandbox/* control API (JSON in, JSON out). Gateway-specific controls are registered
// by the gateway modules under /__sandbox/stripe/... and /__sandbox/razorpay/... (see README.md).
import { coreError } from './core/errors.js';
import type { FaultInjector } from './core/faults.js';
import type { SandboxWebhookDispatcher } from './core/webhooks.js';
import { randomHex, newId } from './core/ids.js';
import type { Gateway } from '../shared/gateways.js';
import type { ChaosOptions, RouteRegistrar, SandboxClock, SandboxKeys, SandboxRequest, SandboxResponse, WebhookTarget } from './core/types.js';

export interface ControlDeps {
  clock: SandboxClock;
  webhooks: SandboxWebhookDispatcher;
  faults: FaultInjector;
  keys: SandboxKeys;
  url: () => string;
  reset: () => void;
}

const IDLE_WAIT_LIMIT_MS = 30_000;

export class ControlInputError extends Error {}

export function readJson(req: SandboxRequest): Record<string, unknown> {
  const text = req.rawBody.toString('utf8').trim();
  if (text === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new ControlInputError('The body must be JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ControlInputError('The body must be a JSON object');
  return value as Record<string, unknown>;
}

/** Wraps a control handler: bad input answers 400 with the message instead of a 500. */
export function controlHandler(fn: (req: SandboxRequest) => SandboxResponse | Promise<SandboxResponse>) {
  return async (req: SandboxRequest): Promise<SandboxResponse> => {
    try {
      return await fn(req);
    } catch (err) {
      if (err instanceof ControlInputError || err instanceof RangeError) return coreError(400, err.message);
      throw err;
    }
  };
}

const ok = (body: unknown): SandboxResponse => ({ status: 200, body });

function parseGateway(value: unknown): Gateway {
  if (value === 'stripe' || value === 'razorpay') return value;
  throw new ControlInputError('gateway must be "stripe" or "razorpay"');
}

export function parseChaos(body: Record<string, unknown>): ChaosOptions {
  const chaos: ChaosOptions = {};
  const int = (name: 'reorder' | 'delayMs' | 'dropFirst', max: number): void => {
    const v = body[name];
    if (v === undefined || v === null) return;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > max) throw new ControlInputError(`${name} must be an integer from 0 to ${max}`);
    chaos[name] = v;
  };
  if (body.duplicate !== undefined) {
    if (typeof body.duplicate !== 'boolean') throw new ControlInputError('duplicate must be true or false');
    chaos.duplicate = body.duplicate;
  }
  int('reorder', 100);
  int('delayMs', 60_000);
  int('dropFirst', 100);
  return chaos;
}

export function registerControl(routes: RouteRegistrar, deps: ControlDeps): void {
  const { clock, webhooks, faults } = deps;
  const on = (method: 'GET' | 'POST' | 'DELETE', path: string, fn: (req: SandboxRequest) => SandboxResponse | Promise<SandboxResponse>): void =>
    routes.on(method, path, controlHandler(fn));

  on('GET', '/__sandbox/health', () => ok({ ok: true, url: deps.url(), now: clock.now(), gateways: ['stripe', 'razorpay'] }));
  on('GET', '/__sandbox/keys', () => ok(deps.keys));

  on('GET', '/__sandbox/clock', () => ok({ now: clock.now(), now_unix: Math.floor(clock.now() / 1000) }));
  on('POST', '/__sandbox/clock/advance', (req) => {
    const body = readJson(req);
    const seconds = body.seconds ?? (typeof body.ms === 'number' ? body.ms / 1000 : undefined);
    if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds < 0) throw new ControlInputError('seconds must be a number >= 0');
    clock.advance(Math.round(seconds * 1000));
    return ok({ now: clock.now(), now_unix: Math.floor(clock.now() / 1000) });
  });

  on('GET', '/__sandbox/faults', () => ok({ data: faults.list() }));
  on('POST', '/__sandbox/faults', (req) => {
    const body = readJson(req);
    const rule = faults.add({
      path: body.path as string,
      method: typeof body.method === 'string' ? body.method : undefined,
      status: typeof body.status === 'number' ? body.status : undefined,
      hang: body.hang === true,
      count: typeof body.count === 'number' ? body.count : undefined,
    });
    return ok(rule);
  });
  on('DELETE', '/__sandbox/faults', () => {
    faults.clear();
    return ok({ deleted: true });
  });

  on('GET', '/__sandbox/deliveries', (req) => {
    const gateway = req.query.get('gateway');
    const eventId = req.query.get('event_id') ?? undefined;
    return ok({ data: webhooks.deliveries({ gateway: gateway ? parseGateway(gateway) : undefined, eventId }) });
  });

  on('POST', '/__sandbox/reset', () => {
    deps.reset();
    return ok({ reset: true, now: clock.now() });
  });

  on('GET', '/__sandbox/webhooks/targets', (req) => {
    const gateway = req.query.get('gateway');
    return ok({ data: webhooks.targets(gateway ? parseGateway(gateway) : undefined) });
  });
  on('POST', '/__sandbox/webhooks/targets', (req) => {
    const body = readJson(req);
    const gateway = parseGateway(body.gateway);
    if (gateway === 'stripe') {
      throw new ControlInputError('Stripe targets are webhook endpoints: create them with POST /v1/webhook_endpoints; set their chaos with POST /__sandbox/webhooks/targets/:id/chaos');
    }
    const id = typeof body.id === 'string' && body.id ? body.id : newId('wh', 14);
    const existing = webhooks.targets(gateway).find((t) => t.id === id);
    const url = body.url ?? existing?.url;
    if (typeof url !== 'string' || !isHttpUrl(url)) throw new ControlInputError('url must be an http(s) URL');
    const events = body.events ?? existing?.events ?? ['*'];
    if (!Array.isArray(events) || !events.every((e) => typeof e === 'string')) throw new ControlInputError('events must be an array of event names, or ["*"]');
    const secret = body.secret ?? existing?.secret ?? randomHex(16);
    if (typeof secret !== 'string' || secret === '') throw new ControlInputError('secret must be a non-empty string');
    if (body.enabled !== undefined && typeof body.enabled !== 'boolean') throw new ControlInputError('enabled must be true or false');
    const target: WebhookTarget = {
      id,
      gateway,
      url,
      secret,
      events: events as string[],
      enabled: (body.enabled as boolean | undefined) ?? existing?.enabled ?? true,
      chaos: body.chaos && typeof body.chaos === 'object' ? parseChaos(body.chaos as Record<string, unknown>) : existing?.chaos ?? {},
    };
    webhooks.upsertTarget(target);
    return ok(target);
  });
  on('DELETE', '/__sandbox/webhooks/targets/:id', (req) => {
    const target = webhooks.targets().find((t) => t.id === req.params.id);
    if (!target) return coreError(404, `No webhook target ${req.params.id}`);
    if (target.gateway === 'stripe') throw new ControlInputError('Delete Stripe webhook endpoints with DELETE /v1/webhook_endpoints/:id');
    webhooks.removeTarget(target.id);
    return ok({ id: target.id, deleted: true });
  });
  on('POST', '/__sandbox/webhooks/targets/:id/chaos', (req) => {
    const target = webhooks.setTargetChaos(req.params.id ?? '', parseChaos(readJson(req)));
    if (!target) return coreError(404, `No webhook target ${req.params.id}`);
    return ok(target);
  });
  on('GET', '/__sandbox/webhooks/chaos', () => ok({ stripe: webhooks.gatewayChaos('stripe'), razorpay: webhooks.gatewayChaos('razorpay') }));
  on('POST', '/__sandbox/webhooks/chaos', (req) => {
    const body = readJson(req);
    const gateway = parseGateway(body.gateway);
    const chaos = parseChaos(body);
    webhooks.setGatewayChaos(gateway, chaos);
    return ok({ gateway, chaos });
  });
  // lets an out-of-process test wait until every queued delivery (and its retries) has finished
  on('POST', '/__sandbox/webhooks/idle', async () => {
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), IDLE_WAIT_LIMIT_MS);
    });
    const idle = await Promise.race([webhooks.idle().then(() => true), timedOut]);
    clearTimeout(timer);
    return ok({ idle });
  });
}

export function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}
