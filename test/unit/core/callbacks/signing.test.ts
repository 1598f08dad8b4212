// The callback signature: Stripe's shape (t=…,v1=…), HMAC-SHA256 over "t.body", one v1 per signing secret
// during a rotation's overlap; the receiver's check accepts any v1 within the time tolerance and nothing else.
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { newSecret, parseSignature, signatureHeader, verifySignature } from '../../../../electron/core/callbacks/signing';

const body = JSON.stringify({ id: 'evt_1', type: 'payment.paid', data: { order_id: 'ORD123' } });

describe('callback signatures', () => {
  it('signs "t.body" with HMAC-SHA256, hex, after the time', () => {
    const header = signatureHeader(['pdcb_secret_a'], 1_760_000_000, body);
    const expected = createHmac('sha256', 'pdcb_secret_a').update(`1760000000.${body}`).digest('hex');
    expect(header).toBe(`t=1760000000,v1=${expected}`);
  });

  it('makes prefixed random secrets', () => {
    const a = newSecret();
    expect(a).toMatch(/^pdcb_[A-Za-z0-9_-]{43}$/);
    expect(newSecret()).not.toBe(a);
  });

  it('verifies with the right secret within the tolerance, and refuses a wrong secret, a changed body or an old time', () => {
    const t = 1_760_000_000;
    const header = signatureHeader(['pdcb_right'], t, body);
    expect(verifySignature(header, body, 'pdcb_right', t + 10)).toBe(true);
    expect(verifySignature(header, body, 'pdcb_wrong', t + 10)).toBe(false);
    expect(verifySignature(header, body.replace('ORD123', 'ORD124'), 'pdcb_right', t + 10)).toBe(false);
    expect(verifySignature(header, body, 'pdcb_right', t + 301)).toBe(false);
    expect(verifySignature(header, body, 'pdcb_right', t - 301)).toBe(false);
    expect(verifySignature(null, body, 'pdcb_right', t)).toBe(false);
    expect(verifySignature('v1=abc', body, 'pdcb_right', t)).toBe(false);
  });

  it('during an overlap both secrets sign, and a receiver knowing either one accepts', () => {
    const t = 1_760_000_000;
    const header = signatureHeader(['pdcb_new', 'pdcb_old'], t, body);
    expect(parseSignature(header)?.v1).toHaveLength(2);
    expect(verifySignature(header, body, 'pdcb_new', t)).toBe(true);
    expect(verifySignature(header, body, 'pdcb_old', t)).toBe(true);
    expect(verifySignature(header, body, 'pdcb_other', t)).toBe(false);
  });

  it('ignores malformed parts of the header', () => {
    expect(parseSignature('t=12,v1=zz,v0=abc')).toBeNull();
    expect(parseSignature(` t=12 , v1=${'a'.repeat(64)}`)).toEqual({ t: 12, v1: ['a'.repeat(64)] });
  });
});
