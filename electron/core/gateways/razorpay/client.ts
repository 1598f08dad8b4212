import { AsyncLocalStorage } from 'node:async_hooks';
import type Razorpay from 'razorpay';
import { lazyPackage } from '../../lazy-package';
import { mapRazorpayError } from '../errors';

/** The X-Refund-Idempotency key of the refund call running in this async context. */
const refundIdempotencyKey = new AsyncLocalStorage<string>();

/**
 * Runs a refund call with `X-Refund-Idempotency: <key>` (the SDK's payments.refund forwards no custom
 * headers, so the client's request interceptor adds it from this async context; GATEWAYS.md §0/§2).
 */
export function withRefundIdempotency<T>(key: string, call: () => Promise<T>): Promise<T> {
  return refundIdempotencyKey.run(key, call);
}

export interface RazorpayClientOptions {
  /** null = https://api.razorpay.com; else the sandbox origin, e.g. http://127.0.0.1:12111 */
  baseUrl: string | null;
  timeoutMs?: number;
}

/** The part of the SDK's internal axios instance we configure (razorpay-node's typings do not declare it). */
interface AxiosLike {
  defaults: { baseURL?: string; timeout?: number };
  interceptors: {
    request: { use(onOk: (c: RequestConfigLike) => RequestConfigLike): unknown };
    response: { use(onOk: (r: unknown) => unknown, onErr: (e: unknown) => unknown): unknown };
  };
}
interface RequestConfigLike { method?: string; url?: string; headers: Record<string, unknown> & { set?: (name: string, value: string) => unknown } }

const razorpaySdk = lazyPackage<typeof Razorpay>('razorpay');

export function makeRazorpayClient(keyId: string, secret: string, opts: RazorpayClientOptions): Razorpay {
  const Sdk = razorpaySdk();
  const client = new Sdk({ key_id: keyId, key_secret: secret });
  const rq = (client.api as unknown as { rq: AxiosLike }).rq;
  // The SDK's base is the origin ('https://api.razorpay.com') and every path starts with /v1,
  // so the sandbox base is its origin too (not <url>/v1, which would give /v1/v1/...).
  if (opts.baseUrl) rq.defaults.baseURL = new URL(opts.baseUrl).origin;
  rq.defaults.timeout = opts.timeoutMs ?? 20_000;
  // refunds only: the idempotency key set by withRefundIdempotency for this call
  rq.interceptors.request.use((config) => {
    const key = refundIdempotencyKey.getStore();
    if (key && config.method?.toLowerCase() === 'post' && /\/payments\/[^/]+\/refund$/.test(config.url ?? '')) {
      if (typeof config.headers.set === 'function') config.headers.set('X-Refund-Idempotency', key);
      else config.headers['X-Refund-Idempotency'] = key;
    }
    return config;
  });
  // The SDK's normalizeError reads err.response.status and crashes on network errors (no response):
  // give those a response-shaped error so they surface as statusCode 0.
  rq.interceptors.response.use(
    (r) => r,
    (e) => {
      const err = e as { response?: unknown; code?: string; message?: string };
      if (err && typeof err === 'object' && err.response) return Promise.reject(e);
      return Promise.reject({ response: { status: 0, data: { error: { code: 'NETWORK_ERROR', description: err?.code ?? err?.message ?? 'network error' } } } });
    },
  );
  return client;
}

/** Read-only key check: payments.all({ count: 1 }). */
export async function verifyRazorpay(client: Razorpay): Promise<void> {
  try {
    await client.payments.all({ count: 1 });
  } catch (err) {
    throw mapRazorpayError(err);
  }
}
