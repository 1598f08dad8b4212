// lockPayment turns a row-lock wait that ran out into the words the merchant reads, whichever of
// PostgreSQL's timeouts ended it; any other failure passes through as it is.
import { describe, expect, it } from 'vitest';
import { lockPayment } from '../../../../electron/core/refunds/context';
import { AppError } from '../../../../shared/errors';

const failingWith = (code: string) => ({
  repos: { payments: { lockForChange: () => { throw Object.assign(new Error(`pg ${code}`), { code }); } } },
}) as unknown as Parameters<typeof lockPayment>[0];

describe('lockPayment', () => {
  it.each(['55P03', '57014'])('says another desk holds the payment when the wait ended with %s', (code) => {
    let thrown: unknown;
    try {
      lockPayment(failingWith(code), 'pd_1');
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(AppError);
    expect((thrown as AppError).toWire()).toEqual({ code: 'conflict', retryable: true, message: 'Another desk is refunding or capturing this payment; try again in a moment.' });
  });

  it('lets any other failure through unchanged', () => {
    expect(() => lockPayment(failingWith('08006'), 'pd_1')).toThrow('pg 08006');
  });
});
