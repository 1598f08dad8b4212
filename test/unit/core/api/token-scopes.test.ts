// Scopes of merchant API tokens: new tokens create and read, a refund scope is only ever given when asked
// for, tokens stored before scopes existed keep create + read, and the RPC carries the choice through.
import { sqliteSql } from '../../../../electron/core/store/sql';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTokenStore, hasScope } from '../../../../electron/core/api/tokens';
import { settingsRepo } from '../../../../electron/core/store/repos/settings';
import { openFixtureDb } from '../../../fixtures/webhook-helpers';
import { startPaymentsFixture, type PaymentsFixture } from '../payments/core-fixture';

const dir = mkdtempSync(join(tmpdir(), 'paydesk-scopes-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type Db = ReturnType<typeof openFixtureDb>;
const rawList = (db: Db): Record<string, unknown>[] =>
  JSON.parse((db.prepare("SELECT value FROM settings WHERE key = 'api.tokens'").get() as { value: string }).value) as Record<string, unknown>[];

function store() {
  const db = openFixtureDb(join(dir, `t${Math.random().toString(36).slice(2)}.sqlite`));
  const settings = settingsRepo(sqliteSql(db), () => 1);
  return { db, settings, tokens: createTokenStore(settings, () => 1_700_000_000_000) };
}

describe('API token scopes (tokens.ts)', () => {
  it('a new token may create payments and read them, not refund', () => {
    const { tokens } = store();
    const { token, secret } = tokens.create('Shop', 'test');
    expect(token.scopes).toEqual(['payments:create', 'payments:read']);
    expect(hasScope(token, 'payments:create')).toBe(true);
    expect(hasScope(token, 'payments:read')).toBe(true);
    expect(hasScope(token, 'refunds:create')).toBe(false);
    // what the API sees when the token is presented
    const seen = tokens.verify(secret)!;
    expect(hasScope(seen, 'refunds:create')).toBe(false);
    expect(seen.scopes).toEqual(token.scopes);
  });

  it('refunds only when asked for; the scopes are kept in a fixed order, each once', () => {
    const { tokens } = store();
    const { token, secret } = tokens.create('Refunds bot', 'live', ['refunds:create', 'payments:read', 'refunds:create']);
    expect(token.scopes).toEqual(['payments:read', 'refunds:create']);
    expect(hasScope(tokens.verify(secret)!, 'refunds:create')).toBe(true);
    expect(hasScope(tokens.verify(secret)!, 'payments:create')).toBe(false);
    expect(tokens.list()[0]!.scopes).toEqual(['payments:read', 'refunds:create']);
  });

  it('a token with no scope at all is refused, naming the field', () => {
    const { tokens } = store();
    expect(() => tokens.create('Nothing', 'test', [])).toThrow(expect.objectContaining({ code: 'invalid_input', field: 'scopes' }));
    expect(tokens.count()).toBe(0);
  });

  it('a token stored before scopes existed reads as create + read, never refund', () => {
    const { db, settings, tokens } = store();
    const { secret } = tokens.create('Old', 'test');
    // rewrite the stored list as an older Paydesk wrote it: no scopes field
    const raw = rawList(db);
    for (const t of raw) delete t.scopes;
    settings.set('api.tokens', raw);
    const old = tokens.list();
    expect(old).toHaveLength(1); // still valid: not dropped as unreadable
    expect(old[0]!.scopes).toEqual(['payments:create', 'payments:read']);
    const seen = tokens.verify(secret)!;
    expect(hasScope(seen, 'payments:create')).toBe(true);
    expect(hasScope(seen, 'refunds:create')).toBe(false);
  });

  it('a stored scope this version does not know gives no right and loses no token', () => {
    const { db, settings, tokens } = store();
    const odd = tokens.create('Odd', 'test');
    const other = tokens.create('Other', 'test');
    const raw = rawList(db);
    raw[0]!.scopes = ['refunds:everything', 'payments:read'];
    settings.set('api.tokens', raw);
    const seen = tokens.verify(odd.secret)!;
    expect(seen.scopes).toEqual(['payments:read']);
    expect(hasScope(seen, 'refunds:create')).toBe(false);
    expect(tokens.verify(other.secret)?.name).toBe('Other');
  });
});

describe('API token scopes over RPC', () => {
  let f: PaymentsFixture;
  beforeAll(async () => {
    f = await startPaymentsFixture();
  });
  afterAll(async () => {
    await f?.close();
  });

  it('api.tokens.create without scopes gives create + read; with scopes, exactly those', async () => {
    const plain = await f.call('api.tokens.create', { name: 'Website' });
    expect(plain.token.scopes).toEqual(['payments:create', 'payments:read']);
    const refunds = await f.call('api.tokens.create', { name: 'Refunds', mode: 'test', scopes: ['refunds:create'] });
    expect(refunds.token.scopes).toEqual(['refunds:create']);
    const list = await f.call('api.tokens.list', {});
    expect(list.map((t) => [t.name, t.scopes])).toEqual([
      ['Website', ['payments:create', 'payments:read']],
      ['Refunds', ['refunds:create']],
    ]);
  });

  it('an empty scope list is refused in words naming the field', async () => {
    const e = await f.fail('api.tokens.create', { name: 'Empty', scopes: [] });
    expect(e.code).toBe('invalid_input');
    expect(e.message).toMatch(/at least one permission/);
  });
});
