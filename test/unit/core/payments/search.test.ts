// payments.list search with whatever a merchant types or a script sends: punctuation, quotes, FTS5
// operators, 1- and 2-character terms (under the trigram minimum), control characters, NUL, broken UTF-16.
// Never `internal`: a plain answer, or a field error at `search` for what no keyboard types.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PaydeskCore } from '../../../../electron/core/index';
import { listFilters } from '../../../../electron/core/payments/overview';
import { paymentsRepo } from '../../../../electron/core/store/repos/payments';
import { sqliteSql } from '../../../../electron/core/store/sql';
import { withCore, type CoreFixture } from '../../../fixtures/with-core';

let fixture: CoreFixture;
let core: PaydeskCore;
const ctx = { transport: 'internal' } as const;
const NOW = Date.now();

// the merchant's text, with the characters a search must take literally
const TEXTS: [id: string, orderRef: string, name: string | null, description: string | null][] = [
  ['pd_s01', 'ORD-1001', 'Zoë Quist', 'Blue mug "large"'],
  ['pd_s02', 'ORD-1002', "O'Brien", '50% off * sale (NEAR) AND more'],
  ['pd_s03', 'A_1', null, 'back\\slash and ^caret: col:on'],
];

beforeAll(async () => {
  fixture = await withCore({ sandbox: false });
  core = fixture.core;
  const d = core.deps!;
  d.repos.accounts.insert({
    id: 'acc_s', gateway: 'stripe', mode: 'test', livemode: false, label: 'Shop', publicKey: null, secretKeyRef: null, webhookSecretRef: null, sandbox: false, builtin: null,
    verificationStatus: 'verified', verifiedAt: NOW, verificationMessage: null, createdAt: NOW, updatedAt: NOW,
  });
  const repo = paymentsRepo(sqliteSql(d.db));
  TEXTS.forEach(([id, orderRef, customerName, description], i) => {
    repo.insert({ id, accountId: 'acc_s', gateway: 'stripe', livemode: false, kind: 'stripe_checkout', orderRef, amountMinor: 1000, currency: 'USD', customerName, description, idempotencyKey: `k${i}`, createdAt: NOW - i });
  });
});
afterAll(async () => {
  await fixture?.dispose();
});

const search = (text: string) => core.call('payments.list', { search: text }, ctx);
const found = async (text: string): Promise<string[]> => {
  const r = await search(text);
  if (!r.ok) throw new Error(`search ${JSON.stringify(text)}: ${r.error.code} ${r.error.message}`);
  return r.value.rows.map((p) => p.id).sort();
};

describe('what a person types is searched for as typed', () => {
  it.each<[string, string[]]>([
    ['"large"', ['pd_s01']],
    ['"', []], // 1-2 characters: order ref, email and name only (the description needs 3)
    ['""', []],
    ['"""', []],
    ["O'Brien", ['pd_s02']],
    ["'", ['pd_s02']],
    ['50%', ['pd_s02']],
    ['%', []], // LIKE's wildcard is literal: the short-text fields (order ref, email, name) hold none
    ['_', ['pd_s03']],
    ['* sale', ['pd_s02']],
    ['(NEAR)', ['pd_s02']],
    ['AND', ['pd_s02', 'pd_s03']], // an operator word is text, matched in any case
    ['NOT', []],
    ['^caret', ['pd_s03']],
    ['col:on', ['pd_s03']],
    ['back\\slash', ['pd_s03']],
    ['\\', []],
    ['Zoë', ['pd_s01']],
    ['Zo', ['pd_s01']],
    ['Q', ['pd_s01']],
    ['!!!', []],
    ['***', []],
    ['-', ['pd_s01', 'pd_s02']],
    ['ORD-100', ['pd_s01', 'pd_s02']],
    ['😀😀😀', []],
    ['\u200b\u200b\u200b', []],
    ['  ORD-1001\t', ['pd_s01']],
    ['ORD-1001\n', ['pd_s01']],
  ])('%j', async (text, ids) => {
    expect(await found(text)).toEqual(ids);
  });

  it('a tab or line break inside the text (a pasted cell) is a space', async () => {
    expect(await found('Blue\tmug')).toEqual(['pd_s01']);
    expect(await found('Blue\r\nmug')).toEqual(['pd_s01']);
  });
});

describe('what no keyboard types is a field error at search', () => {
  it.each(['a\u0000bc', 'ORD\u0000', '\u0000', 'ab\u0001', '\u001b[31m', 'x\u007f', 'y\u009b', '\ud800abc', 'abc\udc00', '\ud800', '\udfff\ud800'])('%j', async (text) => {
    const r = await search(text);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error).toMatchObject({ code: 'invalid_input', field: 'search' });
      expect(r.error.message).toMatch(/control character|broken character/);
    }
  });

  it('too long is refused at search, with the limit in words', async () => {
    const r = await search('x'.repeat(201));
    expect(r).toMatchObject({ ok: false, error: { code: 'invalid_input', field: 'search', message: 'Keep the search under 200 characters' } });
  });

  it('a NUL that reaches the query without the contract (the merchant API calls it in core) matches nothing and breaks nothing', () => {
    const db = core.deps!.db;
    for (const text of ['a\u0000bc', '\u0000\u0000\u0000', 'ORD-1001\u0000', '"\u0000"']) {
      const { where, params } = listFilters({ search: text });
      const rows = db.prepare(`SELECT id FROM payments WHERE ${where.join(' AND ')}`).pluck().all(...params);
      expect(rows.length, JSON.stringify(text)).toBeLessThanOrEqual(1);
    }
  });
});

describe('never internal', () => {
  const nasty = fc.constantFrom('\u0000', '"', "'", '*', '(', ')', '^', ':', '-', '+', '%', '_', '\\', '\t', '\n', ' ', '\ud800', '\udc00', '😀', 'é', 'a', 'B', '1', 'NEAR', 'AND', 'OR', 'NOT', '{', '}', '\u007f');
  it('for any search text: rows, or a field error at search', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.string({ unit: nasty, maxLength: 12 }), fc.string({ unit: 'binary', maxLength: 12 }), fc.string({ maxLength: 220 })), async (text) => {
        const r = await search(text);
        if (!r.ok) {
          expect(r.error.code).toBe('invalid_input');
          expect(r.error.field).toBe('search');
        }
      }),
      { numRuns: 400 },
    );
  });

  it('a substring of stored text finds its payment, in either case', async () => {
    // 1-2 character terms read order ref, email and name; from 3 characters the description too
    const texts = TEXTS.flatMap(([id, orderRef, name, description]) => [
      { id, text: orderRef, short: true },
      ...(name ? [{ id, text: name, short: true }] : []),
      ...(description ? [{ id, text: description, short: false }] : []),
    ]);
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...texts), fc.nat(), fc.integer({ min: 1, max: 8 }), fc.boolean(), async ({ id, text, short }, start, len, upper) => {
        const from = start % text.length;
        const part = text.slice(from, from + len).trim();
        fc.pre(part !== '' && (short || [...part].length >= 3));
        // LIKE (under 3 characters) folds the case of ASCII letters only; the trigram index folds every letter
        const foldable = [...part].length >= 3 || /^[\x20-\x7e]*$/.test(part);
        const typed = !foldable ? part : upper ? part.toUpperCase() : part.toLowerCase();
        expect(await found(typed)).toContain(id);
      }),
      { numRuns: 200 },
    );
  });
});
