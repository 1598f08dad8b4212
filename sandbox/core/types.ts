// The seams inside Paydesk Sandbox. sandbox/index.ts composes: one HTTP server (find-my-way router),
// one clock, one state store (in memory, optionally persisted to a JSON file), one webhook dispatcher,
// and one "gateway module" per emulated gateway (sandbox/stripe, sandbox/razorpay).
// Each gateway module only registers routes, keeps its state under its own key, and emits events.

import type { IncomingHttpHeaders } from 'node:http';
import type { Gateway } from '../../shared/gateways.js';

/** Sandbox time. `now()` is milliseconds since the epoch; tests and the control API move it forward. */
export interface SandboxClock {
  now(): number;
  /** moves sandbox time forward; timers registered with `onAdvance` then run (expiry, auto-refund, availability) */
  advance(ms: number): void;
  onAdvance(listener: (now: number) => void): () => void;
}

export interface SandboxRequest {
  method: string;
  /** path without the query string */
  path: string;
  params: Record<string, string>;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  rawBody: Buffer;
  /** the sandbox's own base URL, e.g. http://127.0.0.1:12111 (for building `url`, `short_url`) */
  baseUrl: string;
}

export interface SandboxResponse {
  status: number;
  headers?: Record<string, string>;
  /** an object is sent as JSON; a string as-is (set content-type in headers for HTML) */
  body: unknown;
}

export type SandboxHandler = (req: SandboxRequest) => SandboxResponse | Promise<SandboxResponse>;

export interface RouteRegistrar {
  on(method: 'GET' | 'POST' | 'DELETE' | 'PUT' | 'PATCH', path: string, handler: SandboxHandler): void;
}

/** JSON-serialisable state, one slice per gateway module, persisted whole with `--state <file>`. */
export interface StateStore {
  slice<T extends object>(name: string, init: () => T): T;
  /** mark dirty: persisted soon (debounced) when a state file is configured */
  touch(): void;
}


export interface ChaosOptions {
  /** deliver each event twice */
  duplicate?: boolean;
  /** hold events and deliver them in reverse order in batches of this size */
  reorder?: number;
  /** wait this many ms before each delivery */
  delayMs?: number;
  /** answer the first N delivery attempts as if dropped (never sent) */
  dropFirst?: number;
}

export interface WebhookTarget {
  id: string;
  gateway: Gateway;
  url: string;
  secret: string;
  /** event types, or ['*'] */
  events: string[];
  enabled: boolean;
  chaos: ChaosOptions;
}

export interface OutgoingEvent {
  gateway: Gateway;
  /** gateway event id: evt_... or the Razorpay event id sent as x-razorpay-event-id */
  id: string;
  type: string;
  /** the exact bytes to POST; signatures are computed over this */
  body: string;
  /** extra headers (e.g. x-razorpay-event-id) */
  headers?: Record<string, string>;
  /** when the event was created (sandbox ms) */
  createdAt: number;
}

export interface Delivery {
  id: string;
  targetId: string;
  eventId: string;
  eventType: string;
  gateway: Gateway;
  attempt: number;
  status: number | null;
  error: string | null;
  at: number;
  ok: boolean;
}

export interface WebhookDispatcher {
  /** targets are per gateway; a gateway module registers/updates/removes them (Stripe via its API, Razorpay via control) */
  upsertTarget(target: WebhookTarget): void;
  removeTarget(id: string): void;
  targets(gateway?: Gateway): WebhookTarget[];
  /** queue an event for every enabled target of its gateway whose `events` match; signed per target by `sign` */
  emit(event: OutgoingEvent): void;
  deliveries(filter?: { gateway?: Gateway; eventId?: string }): Delivery[];
  /** resolves when nothing is queued or in flight (tests use it) */
  idle(): Promise<void>;
}

/** Computes the signature headers for one target: Stripe-Signature or X-Razorpay-Signature. */
export type Signer = (body: string, secret: string, timestampSec: number) => Record<string, string>;

export interface GatewayModuleContext {
  routes: RouteRegistrar;
  clock: SandboxClock;
  state: StateStore;
  webhooks: WebhookDispatcher;
  /** control routes under /__sandbox/<gateway>/... (documented in sandbox/README.md) */
  control: RouteRegistrar;
  keys: SandboxKeys;
  /** fee rule and other options from createSandbox */
  options: SandboxOptions;
  /** the sandbox's base URL once it listens (for objects built outside a request, e.g. on clock advance) */
  baseUrl?: () => string;
  /** runs after POST /__sandbox/reset has emptied every state slice; drop in-memory caches here */
  onReset?: (listener: () => void) => void;
}

export interface SandboxKeys {
  STRIPE_SECRET_KEY: string;
  STRIPE_PUBLISHABLE_KEY: string;
  RAZORPAY_KEY_ID: string;
  RAZORPAY_KEY_SECRET: string;
}

export interface SandboxOptions {
  port?: number;
  host?: string;
  clock?: SandboxClock;
  /** persist state to this JSON file and load it on start */
  stateFile?: string;
  /** Stripe fee: basis points + fixed minor units (default 290 bps + 30) */
  stripeFee?: { bps: number; fixed: number };
  /** Razorpay fee: basis points of the amount, GST basis points on the fee (default 200 bps, 1800 bps) */
  razorpayFee?: { bps: number; gstBps: number };
  /** webhook retry schedule in ms (default compressed: 1s, 5s, 30s, 2min) and per-attempt timeout (default 5000) */
  webhookRetryScheduleMs?: number[];
  webhookTimeoutMs?: number;
  /** Stripe: days until a charge's balance transaction moves from pending to available (default 2) */
  stripeAvailableAfterDays?: number;
}

export interface Sandbox {
  url: string;
  keys: SandboxKeys;
  /** the bearer token every /__sandbox/… request must carry (sandbox/README.md, "Control API") */
  controlToken: string;
  clock: SandboxClock;
  close(): Promise<void>;
}
