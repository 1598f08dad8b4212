// The callback address: http(s) only, https unless it is this computer, no credentials or fragment; each
// refusal names the field and says what to do.
import { describe, expect, it } from 'vitest';
import { validateCallbackUrl } from '../../../../electron/core/callbacks/config';
import { AppError } from '../../../../shared/errors';

const refusal = (url: string): { field?: string; message: string } => {
  try {
    validateCallbackUrl(url);
  } catch (e) {
    if (e instanceof AppError) return { field: e.field, message: e.message };
    throw e;
  }
  throw new Error(`${url} was accepted`);
};

describe('callback address', () => {
  it('accepts https anywhere and http only on this computer', () => {
    expect(validateCallbackUrl(' https://shop.example.com/paydesk/callbacks?shop=1 ')).toBe('https://shop.example.com/paydesk/callbacks?shop=1');
    expect(validateCallbackUrl('http://127.0.0.1:8080/cb')).toBe('http://127.0.0.1:8080/cb');
    expect(validateCallbackUrl('http://localhost:3000/cb')).toBe('http://localhost:3000/cb');
    expect(validateCallbackUrl('http://[::1]:3000/cb')).toBe('http://[::1]:3000/cb');
  });

  it('refuses everything else at the url field', () => {
    expect(refusal('http://shop.example.com/cb')).toMatchObject({ field: 'url', message: expect.stringContaining('https://') });
    expect(refusal('ftp://shop.example.com/cb')).toMatchObject({ field: 'url' });
    expect(refusal('shop.example.com/cb')).toMatchObject({ field: 'url', message: expect.stringContaining('full address') });
    expect(refusal('https://user:pw@shop.example.com/cb')).toMatchObject({ field: 'url' });
    expect(refusal('https://shop.example.com/cb#x')).toMatchObject({ field: 'url' });
    expect(refusal('http://127.0.0.2.example.com/cb')).toMatchObject({ field: 'url' });
  });
});
