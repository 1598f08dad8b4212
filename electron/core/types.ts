// The seams of core that the two shells (electron/*.ts and electron/browser-host/) build against.
import type { Envelope } from '../../shared/errors';
import type { EventName, EventPayload, MethodInput, MethodName, MethodOutput } from '../../shared/contract';
import type { GatewayAdapter } from './gateways/adapter';
import type { StartupGateOptions } from './startup-gate';
import type { StoreChoice } from './store/choice';

/** A person at the desk (or Paydesk itself / the API): what attribution and permission checks use. */
export interface OperatorRef {
  /** null: single-user mode ('owner'), the merchant API or Paydesk itself */
  id: string | null;
  name: string;
  role: 'owner' | 'staff';
}

/** Who is calling: the shell fills this in; handlers use it for attribution and permission checks. */
export interface CallContext {
  /** 'ipc' for the Electron window, 'http' for browser mode, 'api' for the merchant HTTP API, 'internal' for core itself */
  transport: 'ipc' | 'http' | 'api' | 'internal';
  /**
   * Who is at the desk. Set by core (rpc `authorize`, from the desk session) before every handler runs;
   * whatever a transport puts here is overwritten. Absent while the desk is locked. Handlers read it for
   * attribution; who may call what is the contract's role table, checked once in core/access.ts.
   */
  operator?: OperatorRef;
}

export type CoreEvent = { [E in EventName]: { name: E; payload: EventPayload<E> } }[EventName];

export interface Core {
  call<M extends MethodName>(method: M, input: MethodInput<M>, ctx: CallContext): Promise<Envelope<MethodOutput<M>>>;
  /** untyped entry for the transports: method name and input come off the wire and are checked by rpc.ts */
  callUnknown(method: string, input: unknown, ctx: CallContext): Promise<Envelope<unknown>>;
  /** subscribe to pushed events; returns an unsubscribe function */
  onEvent(listener: (event: CoreEvent) => void): () => void;
  close(): Promise<void>;
}

/**
 * Protects the vault's data key. Electron passes one backed by safeStorage (electron/safe-storage.ts);
 * browser mode uses the OS keyring when reachable, else a 0600 key file. Core never imports electron.
 */
export interface KeyProtector {
  readonly kind: 'safeStorage' | 'keyring' | 'keyfile';
  /** one line for Settings, e.g. "Sealed with the OS keychain through Electron safeStorage" */
  readonly description: string;
  /** seal the data key for storage at rest */
  protect(dataKey: Buffer): Promise<Buffer>;
  unprotect(sealed: Buffer): Promise<Buffer>;
}

/** every kind of KeyProtector, for files that name the kind that sealed them */
export const PROTECTOR_KINDS: readonly string[] = ['safeStorage', 'keyring', 'keyfile'] satisfies readonly KeyProtector['kind'][];

export interface Clock {
  /** milliseconds since the epoch */
  now(): number;
}

export interface CoreOptions {
  dataDir: string;
  /** default: OS keyring if reachable, else key file in dataDir */
  protector?: KeyProtector;
  clock?: Clock;
  shell: 'electron' | 'browser';
  /** Electron's app.isPackaged (an installed app, not a development build); browser mode: false */
  packaged?: boolean;
  /**
   * base URL of the embedded Paydesk Sandbox, its keys, and the bearer token its control API (/__sandbox/…)
   * demands, when it runs; null when switched off
   */
  sandbox?: {
    url: string;
    keys: { STRIPE_SECRET_KEY: string; STRIPE_PUBLISHABLE_KEY: string; RAZORPAY_KEY_ID: string; RAZORPAY_KEY_SECRET: string };
    controlToken: string;
  } | null;
  /** the team's PostgreSQL database instead of SQLite in dataDir (store/choice.ts); default SQLite */
  store?: StoreChoice;
  /** a one-time join code from an owner's desk: how a desk on the team database receives the team key (never logged) */
  join?: string;
  /** port for the webhook listener (0 = any free port); default 0 */
  webhookPort?: number;
  /** log sink; secrets are redacted before anything reaches it */
  log?: (level: 'info' | 'warn' | 'error', message: string, detail?: Record<string, unknown>) => void;
  /** the gateway adapters, by gateway (default: the real ones); tests pass a fake one to prove the seam */
  adapters?: Readonly<Record<string, GatewayAdapter>>;
  /** when the deferrable start-up work begins (startup-gate.ts); default: the first screen's data served, at the latest 2 s after start */
  startup?: StartupGateOptions;
}
