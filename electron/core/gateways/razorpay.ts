import Razorpay from 'razorpay';
import { mapRazorpayError } from './errors';

export interface RazorpayClientOptions {
  /** null = https://api.razorpay.com; else the sandbox origin, e.g. http://127.0.0.1:12111 */
  baseUrl: string | null;
  timeoutMs?: number;
}

/** The part of the SDK's internal axios instance we configure (razorpay-node's typings do not declare it). */
interface AxiosLike {
  defaults: { baseURL?: string; timeout?: number };
  interceptors: { response: { use(onOk: (r: unknown) => unknown, onErr: (e: unknown) => unknown): unknown } };
}

export function makeRazorpayClient(keyId: string, secret: string, opts: RazorpayClientOptions): Razorpay {
  const client = new Razorpay({ key_id: keyId, key_secret: secret });
  const rq = (client.api as unknown as { rq: AxiosLike }).rq;
  // The SDK's base is the origin ('https://api.razorpay.com') and every path starts with /v1,
  // so the sandbox base is its origin too (not <url>/v1, which would give /v1/v1/...).
  if (opts.baseUrl) rq.defaults.baseURL = new URL(opts.baseUrl).origin;
  rq.defaults.timeout = opts.timeoutMs ?? 20_000;
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
