import { describe, expect, it } from 'vitest';
import { checkRazorpayWebhookUrl, RAZORPAY_WEBHOOK_EVENTS } from '../../../../electron/core/gateways/razorpay/webhook-url';
import { createWebhookSecret as createRazorpayWebhookSecret, generateWebhookSecret } from '../../../../electron/core/tunnel/webhook-secret';
import { validateOwnUrl } from '../../../../electron/core/tunnel/own-url';

const codes = (url: string, ephemeral = false) => checkRazorpayWebhookUrl(url, { ephemeral }).warnings.map((w) => w.code);

describe('checkRazorpayWebhookUrl', () => {
  it('accepts a plain https URL on the default port, with no warnings', () => {
    const r = checkRazorpayWebhookUrl('https://pay.example.com/webhooks/razorpay/acc_1');
    expect(r).toEqual({ ok: true, warnings: [], recommendation: null });
    expect(checkRazorpayWebhookUrl('https://pay.example.com:443/webhooks/razorpay/acc_1').ok).toBe(true);
  });

  it.each([
    ['https://abc123.ngrok.io/webhooks/razorpay/a', 'ngrok_io'],
    ['https://ngrok.io/x', 'ngrok_io'],
    ['https://tidy-fox.loca.lt/x', 'loca_lt'],
    ['http://localhost/x', 'localhost'],
    ['https://shop.localhost/x', 'localhost'],
    ['https://printer.local/x', 'dot_local'],
    ['https://pay.example.com:8443/x', 'port'],
    ['http://pay.example.com:8080/x', 'port'],
    ['https://192.168.1.20/x', 'private_ip'],
    ['http://127.0.0.1:4000/x', 'private_ip'],
  ])('refuses %s (%s) and recommends a reserved domain or own URL', (url, code) => {
    const r = checkRazorpayWebhookUrl(url);
    expect(r.ok).toBe(false);
    expect(r.warnings.find((w) => w.code === code)?.blocking).toBe(true);
    expect(r.warnings.every((w) => w.message.length > 10)).toBe(true);
    expect(r.recommendation).toMatch(/reserved ngrok domain.*URL you run yourself/);
  });

  it('does not mistake look-alike hosts for refused ones', () => {
    expect(codes('https://notngrok.io.example.com/x')).toEqual([]);
    expect(codes('https://myngrok.io/x')).toEqual([]);
    expect(codes('https://locals.example.com/x')).toEqual([]);
  });

  it('warns, without blocking, about a random ngrok URL that changes on restart and the unconfirmed ngrok domains', () => {
    const r = checkRazorpayWebhookUrl('https://a1b2-203-0-113-5.ngrok-free.app/webhooks/razorpay/acc_1', { ephemeral: true });
    expect(r.ok).toBe(true);
    expect(r.warnings.map((w) => w.code).sort()).toEqual(['ephemeral', 'ngrok_unconfirmed']);
    expect(r.warnings.every((w) => !w.blocking)).toBe(true);
    expect(r.recommendation).toMatch(/reserved ngrok domain/);

    const reserved = checkRazorpayWebhookUrl('https://shop-paydesk.ngrok.app/webhooks/razorpay/acc_1', { ephemeral: false });
    expect(reserved.ok).toBe(true);
    expect(reserved.warnings.map((w) => w.code)).toEqual(['ngrok_unconfirmed']);
  });

  it('cautions on plain http and rejects what is not a URL', () => {
    expect(codes('http://pay.example.com/x')).toEqual(['not_https']);
    expect(checkRazorpayWebhookUrl('not a url').ok).toBe(false);
  });

  it('lists the events to tick in the dashboard', () => {
    expect(RAZORPAY_WEBHOOK_EVENTS).toContain('payment.captured');
    expect(RAZORPAY_WEBHOOK_EVENTS).toContain('payment_link.paid');
    expect(RAZORPAY_WEBHOOK_EVENTS).toContain('refund.processed');
  });
});

describe('Razorpay webhook secret', () => {
  it('is random and URL-safe', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 50; i++) {
      const s = generateWebhookSecret();
      expect(s).toMatch(/^[A-Za-z0-9_-]{43}$/);
      seen.add(s);
    }
    expect(seen.size).toBe(50);
  });

  it('is stored through the accessor before it is returned', async () => {
    const stored: Array<[string, string]> = [];
    const s = await createRazorpayWebhookSecret('acc_rzp', (id, secret) => { stored.push([id, secret]); });
    expect(stored).toEqual([['acc_rzp', s]]);
    await expect(createRazorpayWebhookSecret('acc_rzp', () => { throw new Error('vault locked'); })).rejects.toThrow('vault locked');
  });
});

describe('own URL validation', () => {
  it('wants a public https base URL', () => {
    expect(validateOwnUrl('https://pay.example.com/paydesk/')).toMatchObject({ ok: true, url: 'https://pay.example.com/paydesk' });
    expect(validateOwnUrl('pay.example.com').ok).toBe(false);
    expect(validateOwnUrl('http://pay.example.com').error).toMatch(/https/);
    expect(validateOwnUrl('https://user:pw@pay.example.com').ok).toBe(false);
    expect(validateOwnUrl('https://pay.example.com/?a=1').ok).toBe(false);
    expect(validateOwnUrl('ftp://pay.example.com').ok).toBe(false);
    expect(validateOwnUrl('https://localhost:8443').ok).toBe(false);
  });

  it('accepts http on loopback only when allowed (the Paydesk Sandbox)', () => {
    expect(validateOwnUrl('http://127.0.0.1:4000').ok).toBe(false);
    expect(validateOwnUrl('http://127.0.0.1:4000', { allowLoopbackHttp: true })).toMatchObject({ ok: true, url: 'http://127.0.0.1:4000', loopback: true });
    expect(validateOwnUrl('http://example.com', { allowLoopbackHttp: true }).ok).toBe(false);
  });
});
