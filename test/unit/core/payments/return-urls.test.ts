// Where a hosted checkout sends the customer back: the caller's pages, else the account's "return to shop"
// pages ({ref} = the order reference), else Paydesk's own on the reachable address, else a refusal at `kind`;
// and what an account's return page may be.
import { describe, expect, it } from 'vitest';
import { nextShopReturn } from '../../../../electron/core/accounts/return-pages';
import { checkShopReturnUrl, requireReturnPage, returnUrlsFor, type ReturnPlaces } from '../../../../electron/core/payments/return-urls';
import { AppError } from '../../../../shared/errors';

const refs = { order: 'ORD 7/a', attempt: 'ORD 7/a/2' };
const shop = { success: 'https://shop.example.com/thanks?order={ref}', cancel: 'https://shop.example.com/cart/{ref}' };
const base = 'https://desk.example.net';

describe('returnUrlsFor: first match wins', () => {
  it("the caller's pages, even when the account has its own and Paydesk has a public address", () => {
    expect(returnUrlsFor({ successUrl: 'https://a.example/ok', cancelUrl: 'https://a.example/no' }, { shop, base }, refs)).toEqual({ success: 'https://a.example/ok', cancel: 'https://a.example/no' });
    expect(returnUrlsFor({ successUrl: 'https://a.example/ok' }, { shop, base }, refs)).toEqual({ success: 'https://a.example/ok', cancel: 'https://a.example/ok' });
  });

  it("then the account's pages, {ref} replaced by the encoded order reference (not the attempt's)", () => {
    expect(returnUrlsFor({}, { shop, base }, refs)).toEqual({
      success: 'https://shop.example.com/thanks?order=ORD%207%2Fa',
      cancel: 'https://shop.example.com/cart/ORD%207%2Fa',
    });
  });

  it('an account page without {ref} is sent as saved; without a cancel page the customer who leaves goes to it too', () => {
    expect(returnUrlsFor({}, { shop: { success: 'https://shop.example.com/back', cancel: null }, base: null }, refs)).toEqual({ success: 'https://shop.example.com/back', cancel: 'https://shop.example.com/back' });
  });

  it("then Paydesk's own pages, naming the attempt", () => {
    expect(returnUrlsFor({}, { shop: null, base }, refs)).toEqual({ success: `${base}/pay/done?ref=ORD%207%2Fa%2F2`, cancel: `${base}/pay/cancelled?ref=ORD%207%2Fa%2F2` });
  });

  it('else none', () => {
    expect(returnUrlsFor({}, { shop: null, base: null }, refs)).toBeNull();
    expect(returnUrlsFor({}, undefined, refs)).toBeNull();
  });
});

describe('requireReturnPage', () => {
  const none: ReturnPlaces = { shop: null, base: null };
  it('refuses at kind only when the gateway needs a page and nobody has one', () => {
    let err: unknown;
    try {
      requireReturnPage(true, {}, none, 'Stripe');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(AppError);
    expect(err).toMatchObject({ code: 'invalid_input', field: 'kind' });
    expect((err as Error).message).toMatch(/Settings → Accounts/);
    expect(() => requireReturnPage(false, {}, none, 'Stripe')).not.toThrow();
    expect(() => requireReturnPage(true, { successUrl: 'https://a.example' }, none, 'Stripe')).not.toThrow();
    expect(() => requireReturnPage(true, {}, { shop: { success: 'https://a.example', cancel: null }, base: null }, 'Stripe')).not.toThrow();
    expect(() => requireReturnPage(true, {}, { shop: null, base }, 'Stripe')).not.toThrow();
  });
});

describe('checkShopReturnUrl: what an account may send its customers to', () => {
  const refused = (url: string, sandbox: boolean): { field?: string; message: string } => {
    try {
      checkShopReturnUrl(url, 'returnSuccessUrl', sandbox);
    } catch (e) {
      return e as AppError;
    }
    throw new Error(`${url} was accepted`);
  };

  it('takes https (with {ref}), and http on this computer for a sandbox account', () => {
    expect(checkShopReturnUrl('  https://shop.example.com/t/{ref}?o={ref}  ', 'f', false)).toBe('https://shop.example.com/t/{ref}?o={ref}');
    expect(checkShopReturnUrl('http://127.0.0.1:3000/thanks', 'f', true)).toBe('http://127.0.0.1:3000/thanks');
    expect(checkShopReturnUrl('http://localhost/thanks', 'f', true)).toBe('http://localhost/thanks');
    expect(checkShopReturnUrl('http://[::1]:8080/', 'f', true)).toBe('http://[::1]:8080/');
  });

  it('refuses the rest at the field, saying why', () => {
    expect(refused('shop.example.com/thanks', false)).toMatchObject({ field: 'returnSuccessUrl', message: expect.stringMatching(/full address.*https:\/\//) });
    expect(refused('http://shop.example.com/thanks', true)).toMatchObject({ field: 'returnSuccessUrl', message: expect.stringMatching(/https/) });
    expect(refused('http://127.0.0.1:3000/thanks', false)).toMatchObject({ field: 'returnSuccessUrl', message: expect.stringMatching(/sandbox account/) });
    expect(refused('ftp://shop.example.com/', false).message).toMatch(/https/);
    expect(refused('javascript:alert(1)', false).message).toMatch(/https/);
    expect(refused('https://user:pw@shop.example.com/thanks', false)).toMatchObject({ field: 'returnSuccessUrl', message: expect.stringMatching(/user name and password/) });
    expect(refused('https://user@shop.example.com/thanks', false).message).toMatch(/user name/);
  });
});

describe('nextShopReturn: a change to the saved pages', () => {
  const saved = { success: 'https://shop.example.com/ok', cancel: 'https://shop.example.com/no' };
  it('sets, keeps what is not mentioned, and clears with null or an empty value', () => {
    expect(nextShopReturn(null, { returnSuccessUrl: 'https://shop.example.com/ok' }, false)).toEqual({ success: 'https://shop.example.com/ok', cancel: null });
    expect(nextShopReturn(saved, { returnCancelUrl: 'https://shop.example.com/cart' }, false)).toEqual({ success: saved.success, cancel: 'https://shop.example.com/cart' });
    expect(nextShopReturn(saved, { returnCancelUrl: '' }, false)).toEqual({ success: saved.success, cancel: null });
    expect(nextShopReturn(saved, { returnSuccessUrl: null, returnCancelUrl: null }, false)).toBeNull();
  });

  it('a cancel page alone is refused at the page after paying; each bad page at its own field', () => {
    expect(() => nextShopReturn(null, { returnCancelUrl: 'https://shop.example.com/no' }, false)).toThrow(expect.objectContaining({ field: 'returnSuccessUrl' }));
    expect(() => nextShopReturn(saved, { returnSuccessUrl: '' }, false)).toThrow(expect.objectContaining({ field: 'returnSuccessUrl' }));
    expect(() => nextShopReturn(saved, { returnCancelUrl: 'http://shop.example.com/no' }, false)).toThrow(expect.objectContaining({ field: 'returnCancelUrl' }));
  });
});
