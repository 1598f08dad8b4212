// A tiny client for the sandbox's control API, for tests and scripts:
//
//   const control = sandboxControl(sandbox.url, sandbox.controlToken);
//   const { status, body } = await control.post('/__sandbox/clock/advance', { seconds: 60 });
//
// Every call carries `Authorization: Bearer <control token>`, and a POST always sends a JSON body ({} by
// default), so it passes the checks in core/control-guard.ts. It never throws on a non-2xx answer: tests
// assert on refusals too. Paydesk's core does not use it (core never imports sandbox/); it sends the same
// headers itself.

export interface ControlResponse<T = unknown> {
  status: number;
  ok: boolean;
  /** the parsed JSON answer (null for an empty one) */
  body: T;
}

export interface SandboxControl {
  get<T = unknown>(path: string): Promise<ControlResponse<T>>;
  post<T = unknown>(path: string, body?: unknown): Promise<ControlResponse<T>>;
  delete<T = unknown>(path: string): Promise<ControlResponse<T>>;
  request<T = unknown>(method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<ControlResponse<T>>;
}

const CONTROL_PREFIX = '/__sandbox/';

/** The headers a control request needs; `json` when it sends a body. */
export function controlHeaders(token: string, json = false): Record<string, string> {
  return json ? { authorization: `Bearer ${token}`, 'content-type': 'application/json' } : { authorization: `Bearer ${token}` };
}

/** `url`: the sandbox's base URL (any path is ignored); `path`: a control path with its query, e.g. "/__sandbox/deliveries?gateway=stripe". */
export function sandboxControl(url: string, token: string): SandboxControl {
  const origin = new URL(url).origin;
  const request = async <T>(method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<ControlResponse<T>> => {
    // the token is for the control API only: never hand it to a gateway route by mistake
    if (!path.startsWith(CONTROL_PREFIX)) throw new Error(`sandboxControl: ${path} is not a control path (${CONTROL_PREFIX}…)`);
    const payload = method === 'POST' ? JSON.stringify(body ?? {}) : body === undefined ? undefined : JSON.stringify(body);
    const res = await fetch(`${origin}${path}`, { method, headers: controlHeaders(token, payload !== undefined), body: payload });
    const text = await res.text();
    return { status: res.status, ok: res.ok, body: (text ? JSON.parse(text) : null) as T };
  };
  return {
    get: (path) => request('GET', path),
    post: (path, body) => request('POST', path, body),
    delete: (path) => request('DELETE', path),
    request,
  };
}
