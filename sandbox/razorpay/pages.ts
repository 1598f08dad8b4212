// Hosted pages customers see: the payment-link page (short_url), the order checkout page (what a Checkout.js
// modal would show), the mock bank page and the result pages. Plain HTML forms with inline CSS; no external assets.
// The order pages also run inside the overlay of the stand-in Checkout.js (checkout-js.ts): opened with
// ?embed_origin=<the merchant page's origin>, they may be framed by that origin only, and the result page
// posts the three fields to it instead of showing them.

import { formatMoney } from '../../shared/money';
import type { RouteRegistrar, SandboxHandler, SandboxRequest, SandboxResponse } from '../core/types';
import { CHECKOUT_MESSAGE } from './checkout-js';
import { RazorpayApiError } from './errors';
import type { Instrument, RazorpayEngine } from './engine';
import { CARD_HINTS } from './instruments';
import type { RzpOrder, RzpPayment, RzpPaymentLink } from './types';

export const MERCHANT_NAME = 'Paydesk Sandbox';

const esc = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

const money = (minor: number, currency: string): string => formatMoney(minor, currency, currency === 'INR' ? 'en-IN' : 'en-US');

const CSS = `
*{box-sizing:border-box}
body{margin:0;font:15px/1.5 -apple-system,BlinkMacSystemFont,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:#1f2937;background:#eef2f7;min-height:100vh;display:flex;align-items:flex-start;justify-content:center;padding:40px 16px}
.wrap{width:100%;max-width:440px}
.card{background:#fff;border-radius:14px;box-shadow:0 1px 2px rgba(16,24,40,.06),0 8px 24px rgba(16,24,40,.08);overflow:hidden}
.head{background:#0f2a4a;color:#fff;padding:20px 24px;display:flex;align-items:center;gap:14px}
.logo{width:40px;height:40px;border-radius:10px;background:#3395ff;display:flex;align-items:center;justify-content:center;font-weight:700;font-size:18px;flex:none}
.merchant{font-weight:600;font-size:16px}
.sub{font-size:13px;color:#b6c6da}
.badge{margin-left:auto;background:#fef3c7;color:#92400e;font-size:11px;font-weight:700;letter-spacing:.04em;text-transform:uppercase;padding:3px 8px;border-radius:999px}
.body{padding:22px 24px 24px}
.amount{font-size:32px;font-weight:700;letter-spacing:-.01em;margin:0}
.desc{color:#4b5563;margin:4px 0 0}
.meta{margin:16px 0 0;padding:12px 14px;background:#f8fafc;border:1px solid #e5e7eb;border-radius:10px;font-size:13px;color:#4b5563}
.meta div{display:flex;justify-content:space-between;gap:12px}
.meta b{color:#111827;font-weight:600;word-break:break-all;text-align:right}
.tabs{display:flex;gap:6px;margin:22px 0 14px;background:#f1f5f9;padding:4px;border-radius:10px}
.tabs input{position:absolute;opacity:0;pointer-events:none}
.tabs label{flex:1;text-align:center;padding:8px 10px;border-radius:8px;cursor:pointer;font-weight:600;font-size:14px;color:#475569}
#m-card:checked~.tabs label[for=m-card],#m-upi:checked~.tabs label[for=m-upi]{background:#fff;color:#0f2a4a;box-shadow:0 1px 2px rgba(0,0,0,.08)}
.panel{display:none}
#m-card:checked~.panels .p-card,#m-upi:checked~.panels .p-upi{display:block}
.radio{position:absolute;opacity:0;pointer-events:none}
label.f{display:block;font-size:13px;font-weight:600;color:#374151;margin:12px 0 6px}
input.t{width:100%;padding:11px 12px;border:1px solid #cbd5e1;border-radius:8px;font-size:15px;color:#111827;background:#fff}
input.t:focus{outline:none;border-color:#3395ff;box-shadow:0 0 0 3px rgba(51,149,255,.2)}
.row{display:flex;gap:12px}.row>div{flex:1}
button{width:100%;margin-top:18px;padding:12px 16px;border:0;border-radius:8px;background:#3395ff;color:#fff;font-size:15px;font-weight:600;cursor:pointer}
button:hover{background:#1f7fe6}
button.secondary{background:#fff;color:#b42318;border:1px solid #f3c1bc}
button.secondary:hover{background:#fff5f4}
.hint{font-size:12px;color:#6b7280;margin-top:10px}
.hint code{background:#f1f5f9;padding:1px 5px;border-radius:4px;color:#334155}
.err{margin:14px 0 0;padding:10px 12px;border-radius:8px;background:#fef2f2;border:1px solid #fecaca;color:#991b1b;font-size:14px}
.status{text-align:center;padding:8px 0 4px}
.icon{width:56px;height:56px;border-radius:50%;margin:0 auto 12px;display:flex;align-items:center;justify-content:center;font-size:28px;font-weight:700;color:#fff}
.icon.ok{background:#16a34a}.icon.bad{background:#dc2626}.icon.muted{background:#94a3b8}
h1{font-size:20px;margin:0 0 4px}
.foot{text-align:center;font-size:12px;color:#6b7280;margin-top:14px}
.foot b{color:#0f2a4a}
dl{margin:16px 0 0;font-size:12px;background:#f8fafc;border:1px solid #e5e7eb;border-radius:10px;padding:10px 12px}
dt{color:#6b7280}dd{margin:0 0 6px;font-family:ui-monospace,SFMono-Regular,Menlo,monospace;color:#111827;word-break:break-all}
a.btn{display:block;text-align:center;margin-top:18px;padding:12px;border-radius:8px;background:#3395ff;color:#fff;text-decoration:none;font-weight:600}
`;

function layout(title: string, inner: string, sub = 'Razorpay test checkout, simulated'): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${esc(title)}</title><style>${CSS}</style></head><body><div class="wrap"><div class="card">
<div class="head"><div class="logo">P</div><div><div class="merchant">${esc(MERCHANT_NAME)}</div><div class="sub">${esc(sub)}</div></div><span class="badge">Test mode</span></div>
<div class="body">${inner}</div></div>
<div class="foot">Payments here are simulated by <b>Paydesk Sandbox</b>. No real money moves.</div></div></body></html>`;
}

const html = (body: string, status = 200, embedOrigin: string | null = null): SandboxResponse => ({
  status,
  headers: {
    'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store',
    ...(embedOrigin ? { 'content-security-policy': `frame-ancestors ${embedOrigin}` } : { 'x-frame-options': 'DENY' }),
  },
  body,
});
const redirect = (location: string): SandboxResponse => ({ status: 303, headers: { location }, body: '' });

function statusPage(kind: 'ok' | 'bad' | 'muted', title: string, text: string, extra = ''): string {
  const glyph = kind === 'ok' ? '&#10003;' : kind === 'bad' ? '!' : '&#8211;';
  return `<div class="status" data-status="${kind}"><div class="icon ${kind}">${glyph}</div><h1>${esc(title)}</h1><p class="desc">${esc(text)}</p></div>${extra}`;
}

interface PayView {
  amount: number;
  currency: string;
  description: string;
  rows: Array<[string, string]>;
  action: string;
  allowAmount?: { min: number; max: number } | null;
}

function payForm(v: PayView, error: string | null, method: 'card' | 'upi'): string {
  const hints = CARD_HINTS.map((h) => `<code>${esc(h.number)}</code> ${esc(h.label)}`).join('<br>');
  const amountField = v.allowAmount
    ? `<label class="f" for="amount">Amount to pay now (${esc(v.currency)} subunits, ${v.allowAmount.min} to ${v.allowAmount.max})</label>
<input class="t" id="amount" name="amount" inputmode="numeric" value="${v.allowAmount.max}">`
    : '';
  return `<p class="amount" data-testid="amount">${esc(money(v.amount, v.currency))}</p>
<p class="desc">${esc(v.description || 'Payment')}</p>
<div class="meta">${v.rows.map(([k, val]) => `<div><span>${esc(k)}</span><b>${esc(val)}</b></div>`).join('')}</div>
${error ? `<div class="err" role="alert">${esc(error)}</div>` : ''}
<input type="radio" class="radio" name="tab" id="m-card" ${method === 'card' ? 'checked' : ''}>
<input type="radio" class="radio" name="tab" id="m-upi" ${method === 'upi' ? 'checked' : ''}>
<div class="tabs"><label for="m-card">Card</label><label for="m-upi">UPI</label></div>
<div class="panels">
<form class="panel p-card" method="post" action="${esc(v.action)}">
<input type="hidden" name="method" value="card">${amountField.replace('id="amount"', 'id="amount-card"').replace('for="amount"', 'for="amount-card"')}
<label class="f" for="card_number">Card number</label>
<input class="t" id="card_number" name="card_number" inputmode="numeric" autocomplete="off" placeholder="4100 2800 0000 1007" required>
<div class="row"><div><label class="f" for="expiry">Expiry</label><input class="t" id="expiry" name="expiry" placeholder="MM / YY" value="12 / 30"></div>
<div><label class="f" for="cvv">CVV</label><input class="t" id="cvv" name="cvv" inputmode="numeric" placeholder="123" value="123"></div></div>
<label class="f" for="card_name">Name on card</label><input class="t" id="card_name" name="card_name" placeholder="Name" autocomplete="off">
<button type="submit" id="pay-card">Pay ${esc(money(v.amount, v.currency))}</button>
<p class="hint">Test cards (any future expiry, any CVV):<br>${hints}</p>
</form>
<form class="panel p-upi" method="post" action="${esc(v.action)}">
<input type="hidden" name="method" value="upi">${amountField.replace('id="amount"', 'id="amount-upi"').replace('for="amount"', 'for="amount-upi"')}
<label class="f" for="vpa">UPI ID</label>
<input class="t" id="vpa" name="vpa" autocomplete="off" placeholder="success@razorpay" required>
<button type="submit" id="pay-upi">Pay ${esc(money(v.amount, v.currency))}</button>
<p class="hint">Test UPI IDs: <code>success@razorpay</code> succeeds, <code>failure@razorpay</code> fails.</p>
</form></div>`;
}

function parseForm(req: SandboxRequest): URLSearchParams {
  return new URLSearchParams(req.rawBody.toString('utf8'));
}

function instrumentOf(form: URLSearchParams): Instrument {
  return form.get('method') === 'upi'
    ? { method: 'upi', vpa: form.get('vpa') ?? '' }
    : { method: 'card', card_number: form.get('card_number') ?? '', name: form.get('card_name') ?? '' };
}

function linkView(l: RzpPaymentLink): PayView {
  const rows: Array<[string, string]> = [];
  if (l.customer.name) rows.push(['Billed to', l.customer.name]);
  if (l.customer.email) rows.push(['Email', l.customer.email]);
  if (l.reference_id) rows.push(['Reference', l.reference_id]);
  if (l.amount_paid > 0) rows.push(['Already paid', money(l.amount_paid, l.currency)]);
  if (l.expire_by) rows.push(['Valid until', new Date(l.expire_by * 1000).toUTCString().replace(' GMT', ' UTC')]);
  const due = l.amount - l.amount_paid;
  const min = l.amount_paid === 0 ? l.first_min_partial_amount : 100;
  return {
    amount: due,
    currency: l.currency,
    description: l.description,
    rows,
    action: `/rzp/l/${l.id}/pay`,
    allowAmount: l.accept_partial ? { min: Math.min(min, due), max: due } : null,
  };
}

function orderView(o: RzpOrder, query: string): PayView {
  const rows: Array<[string, string]> = [['Order', o.id]];
  if (o.receipt) rows.push(['Receipt', o.receipt]);
  return {
    amount: o.amount_due,
    currency: o.currency,
    description: `Order ${o.receipt ?? o.id}`,
    rows,
    action: `/rzp/checkout/${o.id}/pay${query}`,
  };
}

function linkClosedPage(l: RzpPaymentLink): string | null {
  if (l.status === 'paid') return statusPage('ok', 'This payment link has been paid', `${money(l.amount, l.currency)} received. Thank you!`);
  if (l.status === 'expired') return statusPage('muted', 'This payment link has expired', 'Ask the merchant to send you a new link.');
  if (l.status === 'cancelled') return statusPage('muted', 'This payment link was cancelled', 'Ask the merchant to send you a new link.');
  return null;
}

function safeCallback(raw: string | null): string | null {
  if (!raw) return null;
  try {
    const u = new URL(raw);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.toString() : null;
  } catch {
    return null;
  }
}

/** An origin exactly as a browser writes it (scheme://host[:port]), else null. */
function embedOriginOf(req: SandboxRequest): string | null {
  const raw = req.query.get('embed_origin');
  if (!raw) return null;
  try {
    const u = new URL(raw);
    return (u.protocol === 'http:' || u.protocol === 'https:') && u.origin === raw ? raw : null;
  } catch {
    return null;
  }
}

/** The order flow's query (callback_url, embed_origin), carried from page to page. */
function cbQuery(req: SandboxRequest): string {
  const q = new URLSearchParams();
  const cb = safeCallback(req.query.get('callback_url'));
  if (cb) q.set('callback_url', cb);
  const embed = embedOriginOf(req);
  if (embed) q.set('embed_origin', embed);
  const s = q.toString();
  return s ? `?${s}` : '';
}

/** In the stand-in Checkout's overlay: the result goes to the merchant's page (checkout-js.ts listens). */
function postToOpener(embed: string, message: Record<string, string>): string {
  const data = JSON.stringify({ type: CHECKOUT_MESSAGE, ...message }).replace(/</g, '\\u003c');
  return `<script>window.parent.postMessage(${data}, ${JSON.stringify(embed).replace(/</g, '\\u003c')})</script>`;
}

export function registerPages(routes: RouteRegistrar, engine: RazorpayEngine): void {
  const guard = (h: SandboxHandler): SandboxHandler => async (req) => {
    try {
      engine.sweep();
      return await h(req);
    } catch (err) {
      if (err instanceof RazorpayApiError && err.error.description === 'The id provided does not exist') {
        return html(layout('Not found', statusPage('muted', 'Page not found', 'This payment page does not exist.')), 404);
      }
      return html(layout('Something went wrong', statusPage('bad', 'Something went wrong', 'Please try again.')), 500);
    }
  };

  const afterAttempt = (p: RzpPayment, needsBank: boolean, query: string): SandboxResponse =>
    needsBank ? redirect(`/rzp/bank/${p.id}${query}`) : redirect(`/rzp/result/${p.id}${query}`);

  // ----- payment link -----
  routes.on('GET', '/rzp/l/:id', guard((req) => {
    const l = engine.link(req.params.id ?? '');
    const closed = linkClosedPage(l);
    if (closed) return html(layout(`${MERCHANT_NAME}: payment link`, closed));
    const err = req.query.get('error');
    return html(layout(`Pay ${money(l.amount - l.amount_paid, l.currency)} to ${MERCHANT_NAME}`, payForm(linkView(l), err, req.query.get('m') === 'upi' ? 'upi' : 'card')));
  }));
  routes.on('POST', '/rzp/l/:id/pay', guard((req) => {
    const l = engine.link(req.params.id ?? '');
    const closed = linkClosedPage(l);
    if (closed) return html(layout(`${MERCHANT_NAME}: payment link`, closed), 400);
    const form = parseForm(req);
    const instrument = instrumentOf(form);
    const amountText = form.get('amount');
    try {
      const amount = amountText && /^\d+$/.test(amountText.trim()) ? Number(amountText.trim()) : undefined;
      const r = engine.attempt({ kind: 'link', id: l.id }, instrument, { amount });
      return afterAttempt(r.payment, r.needsBank, '');
    } catch (err) {
      if (!(err instanceof RazorpayApiError)) throw err;
      return html(layout(`Pay ${MERCHANT_NAME}`, payForm(linkView(l), err.error.description, instrument.method)), 400);
    }
  }));

  // ----- order checkout (what the Checkout.js modal shows) -----
  routes.on('GET', '/rzp/checkout/:id', guard((req) => {
    const o = engine.order(req.params.id ?? '');
    const embed = embedOriginOf(req);
    if (o.status === 'paid') return html(layout(`${MERCHANT_NAME}: checkout`, statusPage('ok', 'This order has been paid', `${money(o.amount, o.currency)} received.`)), 200, embed);
    return html(layout(`Pay ${money(o.amount_due, o.currency)} to ${MERCHANT_NAME}`, payForm(orderView(o, cbQuery(req)), req.query.get('error'), 'card')), 200, embed);
  }));
  routes.on('POST', '/rzp/checkout/:id/pay', guard((req) => {
    const o = engine.order(req.params.id ?? '');
    const form = parseForm(req);
    const instrument = instrumentOf(form);
    try {
      const r = engine.attempt({ kind: 'order', id: o.id }, instrument);
      return afterAttempt(r.payment, r.needsBank, cbQuery(req));
    } catch (err) {
      if (!(err instanceof RazorpayApiError)) throw err;
      return html(layout(`Pay ${MERCHANT_NAME}`, payForm(orderView(o, cbQuery(req)), err.error.description, instrument.method)), 400, embedOriginOf(req));
    }
  }));

  // ----- mock bank page -----
  routes.on('GET', '/rzp/bank/:id', guard((req) => {
    const p = engine.payment(req.params.id ?? '');
    const q = cbQuery(req);
    if (p.status !== 'created') return redirect(`/rzp/result/${p.id}${q}`);
    const inner = `<p class="amount">${esc(money(p.amount, p.currency))}</p>
<p class="desc">${esc(p.card?.network ?? 'Card')} ending in ${esc(p.card?.last4 ?? '')}</p>
<div class="meta"><div><span>Merchant</span><b>${esc(MERCHANT_NAME)}</b></div><div><span>Payment</span><b>${esc(p.id)}</b></div></div>
<p class="hint" style="margin-top:16px">This is a simulated bank page. Choose how the bank should respond.</p>
<form method="post" action="/rzp/bank/${esc(p.id)}${esc(q)}"><input type="hidden" name="outcome" value="success"><button type="submit" id="bank-success">Success</button></form>
<form method="post" action="/rzp/bank/${esc(p.id)}${esc(q)}"><input type="hidden" name="outcome" value="failure"><button type="submit" class="secondary" id="bank-failure">Failure</button></form>`;
    return html(layout('Bank authentication', inner, 'Mock bank: 3-D Secure'), 200, embedOriginOf(req));
  }));
  routes.on('POST', '/rzp/bank/:id', guard((req) => {
    const p = engine.payment(req.params.id ?? '');
    const outcome = parseForm(req).get('outcome') === 'failure' ? 'failure' : 'success';
    engine.completeBank(p.id, outcome);
    return redirect(`/rzp/result/${p.id}${cbQuery(req)}`);
  }));

  // ----- result -----
  routes.on('GET', '/rzp/result/:id', guard((req) => {
    const p = engine.payment(req.params.id ?? '');
    const linkId = engine.s.paymentMeta[p.id]?.linkId ?? null;
    const retry = linkId ? `/rzp/l/${linkId}` : `/rzp/checkout/${p.order_id ?? ''}${cbQuery(req)}`;
    if (p.status === 'created') return redirect(`/rzp/bank/${p.id}${cbQuery(req)}`);
    const embed = linkId ? null : embedOriginOf(req);
    if (p.status === 'failed') {
      const told = embed ? postToOpener(embed, { status: 'failed', razorpay_payment_id: p.id, description: p.error_description ?? 'Payment failed' }) : '';
      return html(layout('Payment failed', statusPage('bad', 'Payment failed', p.error_description ?? 'The payment could not be completed.',
        `<dl><dt>Payment ID</dt><dd data-field="razorpay_payment_id">${esc(p.id)}</dd><dt>Reason</dt><dd data-field="error_reason">${esc(p.error_reason ?? '')}</dd></dl>
<a class="btn" id="retry" href="${esc(retry)}">Try again</a>${told}`)), 200, embed);
    }
    const ret = engine.successReturn(p);
    if (ret.redirect) return redirect(ret.redirect);
    const fields = Object.entries(ret.params).map(([k, v]) => `<dt>${esc(k)}</dt><dd data-field="${esc(k)}">${esc(v)}</dd>`).join('');
    const cb = safeCallback(req.query.get('callback_url'));
    // Checkout.js with callback_url POSTs the three fields to the merchant; emulate that with a self-submitting form
    const post = cb && !linkId
      ? `<form id="cb" method="post" action="${esc(cb)}">${Object.entries(ret.params).map(([k, v]) => `<input type="hidden" name="${esc(k)}" value="${esc(v)}">`).join('')}<button type="submit">Return to merchant</button></form><script>document.getElementById('cb').submit()</script>`
      : '';
    const title = p.status === 'authorized' ? 'Payment authorized' : 'Payment successful';
    const told = embed ? postToOpener(embed, { status: 'paid', ...ret.params }) : '';
    return html(layout(title, statusPage('ok', title, `${money(p.amount, p.currency)} paid to ${MERCHANT_NAME}.`, `<dl>${fields}</dl>${post}${told}`)), 200, embed);
  }));
}
