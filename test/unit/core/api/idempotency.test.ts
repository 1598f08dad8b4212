// Idempotency-Key rules over the real repository on a migrated SQLite database, with a clock the test moves:
// a second request while the first runs is refused as in flight, a request cut off (a crash) frees its key
// after a while, keys are forgotten after 24 hours, and only answers of a request that ran are kept.
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HttpError } from '../../../../electron/core/api/errors';
import { createIdempotency, IDEMPOTENCY_TTL_MS, type Answer } from '../../../../electron/core/api/idempotency';
import { migrate } from '../../../../electron/core/store/migrate';
import { apiIdempotencyRepo } from '../../../../electron/core/store/repos/api-idempotency';
import { sqliteSql } from '../../../../electron/core/store/sql';

let db: Database.Database;
let now = 1_000_000;
let idem: ReturnType<typeof createIdempotency>;
const req = (body: string, key = 'key-1', path = '/api/payments/stripe/checkout') => ({ tokenId: 'tok_1', key, method: 'POST', path, body: Buffer.from(body) });
const answer = (status: number, body: unknown = { id: `pd_${status}_${now}` }) => async (): Promise<Answer> => ({ status, body });
const refusal = async (p: Promise<unknown>) => {
  try {
    await p;
  } catch (err) {
    return err as HttpError;
  }
  throw new Error('not refused');
};

beforeEach(() => {
  db = new Database(':memory:');
  migrate(db, { now: () => 1 });
  idem = createIdempotency(apiIdempotencyRepo(sqliteSql(db)), () => now);
});
afterEach(() => db.close());

describe('Idempotency-Key', () => {
  it('a second request while the first still runs is refused with 409 idempotency_in_flight', async () => {
    let finish!: (a: Answer) => void;
    const first = idem.run(req('{"a":1}'), () => new Promise<Answer>((r) => (finish = r)));
    const second = await refusal(idem.run(req('{"a":1}'), answer(201)));
    expect(second).toMatchObject({ status: 409, code: 'idempotency_in_flight' });
    finish({ status: 201, body: { id: 'pd_first' } });
    expect(await first).toEqual({ status: 201, body: { id: 'pd_first' } });
    expect(await idem.run(req('{"a":1}'), answer(201))).toEqual({ status: 201, body: { id: 'pd_first' }, replayed: true });
  });

  it('a key left in flight by a request that was cut off is free again after five minutes', async () => {
    void idem.run(req('{"a":1}'), () => new Promise<Answer>(() => undefined));
    now += 60_000;
    expect(await refusal(idem.run(req('{"a":1}'), answer(201)))).toMatchObject({ code: 'idempotency_in_flight' });
    now += 5 * 60_000;
    expect(await idem.run(req('{"a":1}'), answer(201, { id: 'pd_rerun' }))).toEqual({ status: 201, body: { id: 'pd_rerun' } });
  });

  it('keys are forgotten after 24 hours: the same key then runs a new request', async () => {
    await idem.run(req('{"a":1}'), answer(201, { id: 'pd_day1' }));
    now += IDEMPOTENCY_TTL_MS - 1000;
    expect((await idem.run(req('{"a":1}'), answer(201))).replayed).toBe(true);
    now += 2000;
    expect(await idem.run(req('{"a":2}'), answer(201, { id: 'pd_day2' }))).toEqual({ status: 201, body: { id: 'pd_day2' } });
  });

  it('errors are answers too: a 402 or 409 is replayed, a 400 or 503 lets the key go', async () => {
    const declined = () => Promise.reject(new HttpError(402, 'gateway_declined', 'declined'));
    expect((await idem.run(req('{"d":1}', 'k-402'), declined)).status).toBe(402);
    expect(await idem.run(req('{"d":1}', 'k-402'), answer(201))).toMatchObject({ status: 402, replayed: true });
    const unreachable = () => Promise.reject(new HttpError(503, 'gateway_unreachable', 'down'));
    expect((await idem.run(req('{"d":1}', 'k-503'), unreachable)).status).toBe(503);
    expect(await idem.run(req('{"d":1}', 'k-503'), answer(201, { id: 'pd_later' }))).toEqual({ status: 201, body: { id: 'pd_later' } });
    await expect(idem.run(req('{"d":1}', 'k-boom'), () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await idem.run(req('{"d":1}', 'k-boom'), answer(201, { id: 'pd_ok' }))).toEqual({ status: 201, body: { id: 'pd_ok' } });
  });

  it('another body or another endpoint with the key is a conflict', async () => {
    await idem.run(req('{"a":1,"b":[1,2]}'), answer(201));
    expect((await idem.run(req('{ "b": [1, 2], "a": 1 }'), answer(201))).replayed).toBe(true);
    expect(await refusal(idem.run(req('{"a":1,"b":[2,1]}'), answer(201)))).toMatchObject({ status: 409, code: 'idempotency_conflict', field: 'Idempotency-Key' });
    expect(await refusal(idem.run(req('{"a":1,"b":[1,2]}', 'key-1', '/api/payments/razorpay/orders'), answer(201)))).toMatchObject({ code: 'idempotency_conflict' });
  });
});
