// A Paydesk Sandbox that is already running (`npm run sandbox`), shared by several desks instead of each
// starting its own. The desk needs what an embedded one hands over: its URL, its test keys and its control
// token. The token comes from the environment (SANDBOX_CONTROL_TOKEN), never from argv, which other users
// of the machine can read; the keys are read from the sandbox's control API (GET /__sandbox/keys).
import { sandboxControl, type SandboxKeys } from '../../sandbox/index';

export const CONTROL_TOKEN_ENV = 'SANDBOX_CONTROL_TOKEN';

export interface SharedSandbox {
  url: string;
  keys: SandboxKeys;
  controlToken: string;
}

const KEY_NAMES = ['STRIPE_SECRET_KEY', 'STRIPE_PUBLISHABLE_KEY', 'RAZORPAY_KEY_ID', 'RAZORPAY_KEY_SECRET'] as const;

/** The base URL as the sandbox names itself (origin only); throws in words for anything but http(s). */
export function sandboxBaseUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`--sandbox-url must be the sandbox's address, e.g. http://127.0.0.1:12111, got "${value}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`--sandbox-url must start with http:// or https://, got "${value}"`);
  return url.origin;
}

/**
 * Connects to the running sandbox at `url` with `token`: its keys, checked. Throws in words when it cannot
 * be reached or refuses the token (the message never contains the token).
 */
export async function connectSharedSandbox(url: string, token: string | undefined): Promise<SharedSandbox> {
  if (!token) {
    throw new Error(`--sandbox-url needs the sandbox's control token in ${CONTROL_TOKEN_ENV} (the sandbox prints ${CONTROL_TOKEN_ENV}=… when it starts); it is never passed as a flag`);
  }
  const base = sandboxBaseUrl(url);
  let res;
  try {
    res = await sandboxControl(base, token).get<Record<string, unknown>>('/__sandbox/keys');
  } catch (err) {
    throw new Error(`the Paydesk Sandbox at ${base} could not be reached (${err instanceof Error ? err.message : String(err)}); start it with \`npm run sandbox\` or check --sandbox-url`, { cause: err });
  }
  if (res.status === 401 || res.status === 403) {
    throw new Error(`the Paydesk Sandbox at ${base} refused the control token in ${CONTROL_TOKEN_ENV}; copy the SANDBOX_CONTROL_TOKEN=… line it printed when it started`);
  }
  if (!res.ok) throw new Error(`the Paydesk Sandbox at ${base} answered ${res.status} when asked for its keys; is that address a Paydesk Sandbox?`);
  const body = res.body ?? {};
  const keys = {} as SandboxKeys;
  for (const name of KEY_NAMES) {
    const v = body[name];
    if (typeof v !== 'string' || v === '') throw new Error(`the Paydesk Sandbox at ${base} did not give its ${name}; is it a Paydesk Sandbox of this version?`);
    keys[name] = v;
  }
  return { url: base, keys, controlToken: token };
}
