// Idempotency-Key as Stripe defines it, per token, kept in the store (repos/api-idempotency.ts) so it holds
// across restarts and desks sharing one store:
// - the same key with the same request (method, path and body) -> the first answer again, same status and
//   body, marked `Idempotent-Replayed: true`;
// - the same key with another body or endpoint -> 409 idempotency_conflict;
// - the same key while its first request still runs -> 409 idempotency_in_flight (retry a moment later);
// - keys are forgotten after 24 hours.
// As at Stripe, only answers of a request that ran are kept: a refused input (400), an unreachable gateway
// or an internal failure (5xx) lets the key go, so the retry runs again. Creating a link additionally passes
// a request id derived from the key to links.create, so a retry after a crash mid-request finds the same
// payment instead of making a second one.
import { createHash } from 'node:crypto';
import type { ApiIdempotencyRepo } from '../store/repos/api-idempotency';
import { errorAnswer, HttpError } from './errors';

export const IDEMPOTENCY_TTL_MS = 24 * 3600_000;
/** a request holding its key longer than this was cut off (a crash): longer than any request may run */
const ABANDONED_MS = 5 * 60_000;
const SWEEP_EVERY_MS = 60_000;
const KEY = /^[\x21-\x7e]{1,255}$/;

export interface Answer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
  replayed?: boolean;
}

/** answers a rerun may not reuse: refused input, limits, and failures on our or the gateway's side */
const keeps = (status: number): boolean => status < 400 || status === 402 || status === 403 || status === 404 || status === 409;

/** the body's identity: key order and spacing of JSON do not make another request */
export function bodyHash(raw: Buffer): Buffer {
  let canonical: string;
  try {
    canonical = JSON.stringify(sortKeys(JSON.parse(raw.toString('utf8')) as unknown));
  } catch {
    canonical = raw.toString('latin1');
  }
  return createHash('sha256').update(canonical, 'utf8').digest();
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === 'object') {
    return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortKeys((v as Record<string, unknown>)[k])]));
  }
  return v;
}

/** The Idempotency-Key header, checked; undefined when none was sent. */
export function idempotencyKeyOf(header: string | string[] | undefined): string | undefined {
  if (header === undefined || header === '') return undefined;
  if (typeof header !== 'string' || !KEY.test(header)) {
    throw new HttpError(400, 'invalid_input', 'Idempotency-Key must be 1 to 255 printable characters without spaces, sent once.', 'Idempotency-Key');
  }
  return header;
}

/** A request id for links.create derived from the token and key (8 to 64 of [A-Za-z0-9_-]). */
export const requestIdOf = (tokenId: string, key: string): string =>
  `api_${createHash('sha256').update(`${tokenId}\n${key}`, 'utf8').digest('hex').slice(0, 40)}`;

export interface IdempotentRequest {
  tokenId: string;
  key: string;
  method: string;
  path: string;
  body: Buffer;
}

export function createIdempotency(repo: ApiIdempotencyRepo, now: () => number) {
  let sweptAt = 0;

  function sweep(at: number): void {
    if (at - sweptAt < SWEEP_EVERY_MS) return;
    sweptAt = at;
    repo.sweep(at - IDEMPOTENCY_TTL_MS);
  }

  /** takes the key, or answers from what it holds; null = the caller runs the request */
  function claimOrReplay(r: IdempotentRequest, hash: Buffer): Answer | null {
    for (let round = 0; round < 3; round++) {
      const at = now();
      if (repo.claim({ tokenId: r.tokenId, key: r.key, method: r.method, path: r.path, bodySha256: hash, at })) return null;
      const row = repo.get(r.tokenId, r.key);
      if (!row) continue;
      if (row.created_at < at - IDEMPOTENCY_TTL_MS) {
        sweptAt = 0;
        sweep(at);
        continue;
      }
      if (row.method !== r.method || row.path !== r.path || !Buffer.from(row.body_sha256).equals(hash)) {
        throw new HttpError(409, 'idempotency_conflict', `Idempotency-Key ${r.key} was used for another request (${row.method} ${row.path} with a different body). Use a new key for a new request.`, 'Idempotency-Key');
      }
      if (row.status === null || row.response === null) {
        if (at - row.created_at < ABANDONED_MS) {
          throw new HttpError(409, 'idempotency_in_flight', `A request with Idempotency-Key ${r.key} is still being processed. Retry in a few seconds.`, 'Idempotency-Key');
        }
        repo.release(r.tokenId, r.key);
        continue;
      }
      return { status: row.status, body: JSON.parse(row.response) as unknown, replayed: true };
    }
    throw new HttpError(409, 'idempotency_in_flight', `A request with Idempotency-Key ${r.key} is still being processed. Retry in a few seconds.`, 'Idempotency-Key');
  }

  return {
    /** runs `handler` once per key; its errors become answers so that a refusal is replayed like a success */
    async run(r: IdempotentRequest, handler: () => Promise<Answer>): Promise<Answer> {
      sweep(now());
      const hash = bodyHash(r.body);
      const replay = claimOrReplay(r, hash);
      if (replay) return replay;
      let a: Answer;
      try {
        a = await handler();
      } catch (err) {
        const e = errorAnswer(err);
        if (!e) {
          repo.release(r.tokenId, r.key);
          throw err;
        }
        a = e;
      }
      if (keeps(a.status)) repo.finish(r.tokenId, r.key, a.status, JSON.stringify(a.body));
      else repo.release(r.tokenId, r.key);
      return a;
    },
  };
}

export type Idempotency = ReturnType<typeof createIdempotency>;
