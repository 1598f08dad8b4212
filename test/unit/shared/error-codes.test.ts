// parseWireError (zod-free, for the renderer's first chunk) accepts and returns exactly what
// WireErrorSchema.safeParse does (core's schema, built from the same list of codes).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { APP_ERROR_CODES, parseWireError } from '../../../shared/error-codes';
import { WireErrorSchema } from '../../../shared/errors';

const viaZod = (v: unknown) => {
  const r = WireErrorSchema.safeParse(v);
  return r.success ? r.data : null;
};

describe('parseWireError', () => {
  it('agrees with WireErrorSchema on known shapes', () => {
    const cases: unknown[] = [
      { code: 'not_found', message: 'No such payment', retryable: false },
      { code: 'invalid_input', message: 'Bad', field: 'amount', retryable: false, extra: 1 },
      { code: 'invalid_input', message: 'Bad', field: undefined, retryable: false },
      { code: 'nope', message: 'x', retryable: false },
      { code: 'internal', message: 'x' },
      { code: 'internal', message: 'x', retryable: 'no' },
      { code: 'internal', message: 'x', retryable: true, field: 3 },
      null, undefined, 'internal', 42, [], [{ code: 'internal' }],
    ];
    for (const c of cases) expect([c, parseWireError(c)]).toEqual([c, viaZod(c)]);
  });

  it('agrees with WireErrorSchema on any value', () => {
    const code = fc.oneof(fc.constantFrom(...APP_ERROR_CODES), fc.string());
    const value = fc.oneof(
      fc.record({ code, message: fc.oneof(fc.string(), fc.integer()), field: fc.option(fc.oneof(fc.string(), fc.integer()), { nil: undefined }), retryable: fc.oneof(fc.boolean(), fc.constant('yes')) }, { requiredKeys: [] }),
      fc.anything(),
    );
    fc.assert(fc.property(value, (v) => {
      expect(parseWireError(v)).toEqual(viaZod(v));
    }));
  });
});
