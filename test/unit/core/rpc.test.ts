import { describe, expect, it } from 'vitest';
import { createRpc, type AllHandlers } from '../../../electron/core/rpc';
import { createLog, redactString } from '../../../electron/core/log';
import { mapRazorpayError, mapStripeError } from '../../../electron/core/gateways/errors';
import { AppError } from '../../../shared/errors';

// the desk session is not under test here: an owner is at the desk (roles are tested in test/security/roles.test.ts)
const ctx = { transport: 'internal', operator: { id: null, name: 'owner', role: 'owner' } } as const;

function setup(handlers: Partial<Record<string, (input: unknown) => unknown>>, parseOutput = true) {
  const lines: string[] = [];
  const log = createLog((level, message, detail) => lines.push(`${level} ${message} ${JSON.stringify(detail ?? {})}`), () => ['RazorpayNoPrefixSecret1']);
  const rpc = createRpc({ handlers: handlers as unknown as AllHandlers, log, parseOutput });
  return { rpc, lines };
}

describe('rpc dispatch', () => {
  it('strips unknown keys from outputs (a leaked secret field never reaches the renderer)', async () => {
    const { rpc } = setup({ 'system.ping': () => ({ pong: true, at: 1, secretKey: 'sk_test_leak' }) });
    expect(await rpc.dispatch('system.ping', {}, ctx)).toEqual({ ok: true, value: { pong: true, at: 1 } });
  });

  it('fails loudly when an output does not match the contract', async () => {
    const { rpc, lines } = setup({ 'system.ping': () => ({ pong: 'yes' }) });
    const env = await rpc.dispatch('system.ping', {}, ctx);
    expect(env).toMatchObject({ ok: false, error: { code: 'internal' } });
    expect(!env.ok && env.error.message).toMatch(/does not match the contract at pong, at/);
    expect(lines.join('\n')).toMatch(/output of system.ping/);
  });

  it('turns AppError into its wire form and anything else into a generic internal error, logging the detail redacted', async () => {
    const { rpc, lines } = setup({
      'accounts.verify': () => {
        throw new AppError('gateway_auth', 'Stripe refused the secret key', { field: 'secretKey' });
      },
      'accounts.list': () => {
        throw new Error('boom with sk_live_abcdefghijkl1234 and RazorpayNoPrefixSecret1');
      },
    });
    expect(await rpc.dispatch('accounts.verify', { id: 'a' }, ctx)).toEqual({
      ok: false, error: { code: 'gateway_auth', message: 'Stripe refused the secret key', field: 'secretKey', retryable: false },
    });
    const env = await rpc.dispatch('accounts.list', {}, ctx);
    expect(env).toEqual({ ok: false, error: { code: 'internal', message: 'Something went wrong inside Paydesk. The details are in the log.', retryable: false } });
    const logged = lines.join('\n');
    expect(logged).toMatch(/boom with \[redacted\] and \[redacted\]/);
    expect(logged).not.toMatch(/sk_live_abc|RazorpayNoPrefixSecret1/);
  });

  it('refuses unknown methods, including prototype names, without running anything', async () => {
    const { rpc } = setup({});
    for (const m of ['nope', 'constructor', '__proto__', 'toString']) {
      expect(await rpc.dispatch(m, {}, ctx)).toMatchObject({ ok: false, error: { code: 'not_found' } });
    }
  });

  it('reports the first zod issue with its path as the field', async () => {
    const { rpc } = setup({});
    const env = await rpc.dispatch('accounts.create', { gateway: 'stripe', mode: 'test', label: 'x'.repeat(61), publicKey: '', secretKey: '' }, ctx);
    expect(env).toEqual({ ok: false, error: { code: 'invalid_input', field: 'label', message: 'Keep the name under 60 characters', retryable: false } });
  });
});

describe('redaction', () => {
  it('removes key-shaped strings and credentials', () => {
    expect(redactString('a sk_test_123456789 b rk_live_abcdEFGH c whsec_abc+/= d')).toBe('a [redacted] b [redacted] c [redacted] d');
    expect(redactString('Authorization: Basic cnpwX3Rlc3Q6c2VjcmV0')).toBe('Authorization: [redacted]');
    expect(redactString('{"password":"hunter2","x":1}')).toBe('{"password":"[redacted]","x":1}');
    expect(redactString('Invalid API Key provided: sk_test_****abcd')).toBe('Invalid API Key provided: [redacted]');
  });
});

describe('gateway error mapping', () => {
  it('maps stripe-node errors by type', () => {
    const auth = mapStripeError({ type: 'StripeAuthenticationError', message: 'Invalid API Key provided: sk_test_****1234' });
    expect(auth.code).toBe('gateway_auth');
    expect(auth.message).toBe('Stripe refused the secret key: Invalid API Key provided: [redacted]');
    expect(mapStripeError({ type: 'StripeConnectionError', message: 'x' })).toMatchObject({ code: 'gateway_unreachable', retryable: true });
    expect(mapStripeError({ type: 'StripeCardError', message: 'Your card was declined.' })).toMatchObject({ code: 'gateway_declined', message: 'Your card was declined.' });
    expect(mapStripeError({ type: 'StripeInvalidRequestError', message: 'Invalid integer', param: 'amount', statusCode: 400 })).toMatchObject({ code: 'gateway_invalid', field: 'amount' });
    expect(mapStripeError(Object.assign(new Error('x'), { code: 'ECONNREFUSED' }))).toMatchObject({ code: 'gateway_unreachable' });
  });

  it('maps razorpay-node errors by status', () => {
    expect(mapRazorpayError({ statusCode: 401, error: { code: 'BAD_REQUEST_ERROR', description: 'Authentication failed' } })).toMatchObject({
      code: 'gateway_auth', message: 'Razorpay refused the key id and secret: Authentication failed',
    });
    expect(mapRazorpayError({ statusCode: 0, error: { description: 'ECONNREFUSED' } })).toMatchObject({ code: 'gateway_unreachable', retryable: true });
    expect(mapRazorpayError({ statusCode: 503, error: {} })).toMatchObject({ code: 'gateway_unreachable', retryable: true });
    expect(mapRazorpayError({ statusCode: 400, error: { description: 'amount is required', field: 'amount' } })).toMatchObject({ code: 'gateway_invalid', field: 'amount' });
  });
});
