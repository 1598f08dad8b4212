// One POST of one callback. The answer's body is read only up to a cap (the shop's server is not ours to
// trust with our memory), redirects are not followed (a 3xx is not an acceptance: the signature was made
// for this URL), and every failure comes back in words that hold no secret.

export const DEFAULT_TIMEOUT_MS = 10_000;
export const USER_AGENT = 'Paydesk-Callbacks/1';
const BODY_CAP = 4096;
/** how much of an answer's body is kept to show the owner why the shop refused */
const SHOWN_CHARS = 200;

export interface DeliveryRequest {
  url: string;
  body: string;
  headers: Record<string, string>;
  timeoutMs: number;
  /** aborts the request when core closes */
  signal?: AbortSignal;
}

export interface DeliveryResult {
  /** the answer's HTTP status; null when there was none */
  status: number | null;
  /** why it was not accepted, in words; null on a 2xx */
  error: string | null;
  durationMs: number;
}

export type PostCallback = (r: DeliveryRequest) => Promise<DeliveryResult>;

async function readCapped(res: Response): Promise<string> {
  if (!res.body) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < BODY_CAP) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  return Buffer.concat(chunks).subarray(0, BODY_CAP).toString('utf8');
}

const oneLine = (s: string): string => s.replace(/\s+/g, ' ').trim().slice(0, SHOWN_CHARS);

function errorWords(err: unknown, timeoutMs: number): string {
  const e = err as { name?: string; cause?: { code?: string } };
  if (e.name === 'TimeoutError') return `No answer within ${Math.round(timeoutMs / 1000)} s`;
  if (e.name === 'AbortError') return 'Stopped: Paydesk was closing';
  const code = e.cause?.code;
  if (code === 'ECONNREFUSED') return 'Connection refused: is the shop’s server running?';
  if (code === 'ENOTFOUND') return 'The shop’s host name was not found';
  if (code && /CERT|SSL|TLS/.test(code)) return `The shop’s HTTPS certificate was refused (${code})`;
  return code ? `Could not connect (${code})` : 'Could not connect';
}

/** POSTs with fetch: JSON, a timeout, no redirects, the answer's body capped. */
export const postCallback: PostCallback = async (r) => {
  const started = performance.now();
  const ms = () => Math.max(0, Math.round(performance.now() - started));
  const timeout = AbortSignal.timeout(r.timeoutMs);
  const signal = r.signal ? AbortSignal.any([timeout, r.signal]) : timeout;
  try {
    const res = await fetch(r.url, { method: 'POST', body: r.body, headers: r.headers, redirect: 'manual', signal });
    const text = await readCapped(res).catch(() => '');
    if (res.status >= 200 && res.status < 300) return { status: res.status, error: null, durationMs: ms() };
    const why = res.status >= 300 && res.status < 400 ? 'Redirects are not followed; set the final address' : oneLine(text);
    return { status: res.status, error: why ? `HTTP ${res.status}: ${why}` : `HTTP ${res.status}`, durationMs: ms() };
  } catch (err) {
    return { status: null, error: errorWords(err, r.timeoutMs), durationMs: ms() };
  }
};
