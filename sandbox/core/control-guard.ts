// The control API (/__sandbox/…) pays, fails and expires checkouts, moves the clock, injects faults and
// hands out the test keys and webhook secrets, so only whoever started the sandbox may drive it. A
// request must: name the sandbox's own host (a DNS-rebound page names its own), come from no other web
// origin (a page the merchant has open elsewhere), carry the control token, and send any body as JSON
// (a cross-site HTML form cannot). All four are header checks, made before the body is read.
// The gateway routes (/v1/…) and the hosted pages are not guarded here: they keep the gateway's own auth.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { SandboxResponse } from './types.js';

export interface ControlGuard {
  /** every accepted Host header value, lower case, e.g. "127.0.0.1:12111" and "localhost:12111" */
  hosts: ReadonlySet<string>;
  token: string;
}

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);

/** Whether `address` (as `server.address()` reports it) is a loopback address. */
export function isLoopbackAddress(address: string): boolean {
  return /^127\./.test(address) || address === '::1' || /^::ffff:127\./i.test(address);
}

/**
 * The Host values a control request may carry: the host of the sandbox's base URL, plus the address it
 * is bound to and `localhost` when that address is loopback. A wildcard bind (0.0.0.0, ::) is not
 * loopback, so there only the base URL's host counts.
 */
export function controlHosts(shownHost: string, boundAddress: string, port: number): Set<string> {
  const names = [shownHost];
  if (isLoopbackAddress(boundAddress)) names.push('localhost', boundAddress.includes(':') ? `[${boundAddress}]` : boundAddress);
  const hosts = new Set<string>();
  for (const name of names) {
    hosts.add(`${name}:${port}`.toLowerCase());
    // browsers and clients leave the default port out of Host and Origin
    if (port === 80) hosts.add(name.toLowerCase());
  }
  return hosts;
}

/** The refusal for a control request, or null when it may go through. Nothing has been read or changed yet. */
export function checkControlRequest(method: string, headers: IncomingHttpHeaders, guard: ControlGuard): SandboxResponse | null {
  const host = headers.host?.toLowerCase();
  if (!host || !guard.hosts.has(host)) {
    return refusal(421, 'control_host', 'The sandbox control API answers only requests addressed to its own loopback host.');
  }
  const origin = headers.origin;
  if (origin !== undefined && !isOwnOrigin(origin, guard.hosts)) {
    return refusal(403, 'control_origin', 'The sandbox control API does not accept requests from web pages of another origin.');
  }
  if (!hasToken(headers.authorization, guard.token)) {
    return {
      ...refusal(401, 'control_token', 'Missing or wrong control token: send Authorization: Bearer <SANDBOX_CONTROL_TOKEN>.'),
      headers: { 'WWW-Authenticate': 'Bearer realm="Paydesk Sandbox control"' },
    };
  }
  if (hasBody(method, headers) && mediaType(headers['content-type']) !== 'application/json') {
    return refusal(415, 'control_content_type', 'Control request bodies must be JSON (Content-Type: application/json).');
  }
  return null;
}

function isOwnOrigin(origin: string, hosts: ReadonlySet<string>): boolean {
  const value = origin.toLowerCase();
  if (!value.startsWith('http://')) return false;
  return hosts.has(value.slice('http://'.length));
}

function hasToken(authorization: string | undefined, token: string): boolean {
  const match = /^Bearer +(\S+) *$/i.exec(authorization ?? '');
  if (!match?.[1]) return false;
  // hashing first gives equal lengths, so the comparison takes the same time whatever was sent
  const given = createHash('sha256').update(match[1]).digest();
  const expected = createHash('sha256').update(token).digest();
  return timingSafeEqual(given, expected);
}

/** POST/PUT/PATCH always count as having a body; any other method when it announces one. */
function hasBody(method: string, headers: IncomingHttpHeaders): boolean {
  if (BODY_METHODS.has(method)) return true;
  if (headers['transfer-encoding'] !== undefined) return true;
  const length = Number(headers['content-length'] ?? 0);
  return !Number.isFinite(length) || length > 0;
}

function mediaType(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0]!.trim().toLowerCase();
}

function refusal(status: number, code: string, message: string): SandboxResponse {
  return { status, body: { error: { code, message } } };
}
