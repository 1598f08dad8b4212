import { describe, expect, it } from 'vitest';
import { parseForm, validate, zInt, zMetadata, type StripeApiError } from '../../../sandbox/stripe/form.js';
import { z } from 'zod';

describe('parseForm (Stripe nested brackets)', () => {
  it('builds nested objects and arrays', () => {
    const parsed = parseForm('line_items[0][price_data][currency]=usd&line_items[0][quantity]=2&line_items[1][price]=price_1&expand[]=a&expand[]=b.c&metadata[k]=v%20w');
    expect(parsed).toEqual({
      line_items: [{ price_data: { currency: 'usd' }, quantity: '2' }, { price: 'price_1' }],
      expand: ['a', 'b.c'],
      metadata: { k: 'v w' },
    });
  });

  it('turns zod issues into Stripe errors naming the param', () => {
    const schema = z.strictObject({ a: z.array(z.strictObject({ n: zInt })), metadata: zMetadata.optional() });
    const err = (fn: () => unknown) => {
      try {
        fn();
      } catch (e) {
        return e as StripeApiError;
      }
      throw new Error('expected a throw');
    };
    expect(err(() => validate(schema, parseForm('a[0][n]=1.5'))).param).toBe('a[0][n]');
    expect(err(() => validate(schema, parseForm('a[0][n]=1&zz=1'))).message).toBe('Received unknown parameter: zz');
    expect(err(() => validate(schema, parseForm('a[0][m]=1'))).message).toBe('Received unknown parameter: a[0][m]');
    expect(err(() => validate(schema, parseForm(''))).message).toBe('Missing required param: a.');
    expect(validate(schema, parseForm('a[0][n]=-3&metadata[x]=y'))).toEqual({ a: [{ n: -3 }], metadata: { x: 'y' } });
  });
});
