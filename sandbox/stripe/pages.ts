// The hosted pages a customer sees: checkout (/c/pay/:session), the payment-link entry point
// (/b/:link, which starts a session and redirects), and a receipt. Plain HTML with inline CSS and
// no script, so it renders the same in any browser and in Playwright.
import type Stripe from 'stripe';
import { formatMoney } from '../../shared/money.js';
import type { RouteRegistrar, SandboxRequest, SandboxResponse } from '../core/types.js';
import type { StripeEngine, CardEntry } from './engine.js';
import { createSession, linkLineItems } from './routes-checkout.js';

const SESSION_TTL_MS = 24 * 60 * 60 * 1000;

const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const money = (minor: number, currency: string): string => formatMoney(minor, currency);

const CSS = `
*{box-sizing:border-box}
body{margin:0;font:15px/1.5 -apple-system,BlinkMacSystemFont,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;color:#1a1f36;background:#f6f8fb}
.test{background:#fff4e5;color:#8a4b00;text-align:center;font-size:12px;font-weight:600;letter-spacing:.04em;padding:6px;border-bottom:1px solid #f5d9b0}
.wrap{max-width:980px;margin:0 auto;display:flex;flex-wrap:wrap;min-height:calc(100vh - 31px)}
.summary{flex:1 1 380px;padding:56px 48px;background:#fff;border-right:1px solid #e6ebf1}
.pay{flex:1 1 380px;padding:56px 48px}
.merchant{display:flex;align-items:center;gap:10px;font-weight:600;color:#3c4257;margin-bottom:28px}
.logo{width:28px;height:28px;border-radius:7px;background:linear-gradient(135deg,#635bff,#00b3ff);display:inline-block}
.back{display:inline-block;margin-bottom:20px;color:#697386;text-decoration:none;font-size:14px}
.label{color:#697386;font-size:14px;margin:0}
.total{font-size:36px;font-weight:700;margin:4px 0 28px;letter-spacing:-.01em}
.items{list-style:none;padding:0;margin:0;border-top:1px solid #e6ebf1}
.items li{display:flex;justify-content:space-between;gap:16px;padding:14px 0;border-bottom:1px solid #e6ebf1}
.items .qty{color:#697386;font-size:13px}
.items .sum{font-weight:600;white-space:nowrap}
.row-total{display:flex;justify-content:space-between;padding-top:14px;font-weight:700}
h2{font-size:18px;margin:0 0 18px}
label{display:block;font-size:13px;font-weight:600;color:#3c4257;margin:14px 0 6px}
input{width:100%;padding:11px 12px;font-size:15px;border:1px solid #cfd7df;border-radius:7px;background:#fff;color:#1a1f36}
input:focus{outline:none;border-color:#635bff;box-shadow:0 0 0 3px rgba(99,91,255,.2)}
input[readonly]{background:#f6f8fb;color:#4f566b}
.grid{display:flex;gap:12px}.grid>div{flex:1}
button{width:100%;margin-top:22px;padding:13px;border:0;border-radius:7px;background:#635bff;color:#fff;font-size:16px;font-weight:600;cursor:pointer}
button:hover{background:#5248e6}
button.secondary{background:#fff;color:#3c4257;border:1px solid #cfd7df}
.error{background:#fff0f0;border:1px solid #f3c1c1;color:#a41c1c;border-radius:7px;padding:11px 13px;margin-bottom:8px;font-size:14px}
.hint{margin-top:26px;font-size:12.5px;color:#697386;background:#fff;border:1px dashed #cfd7df;border-radius:7px;padding:10px 12px}
.hint code{font-size:12px;color:#3c4257}
.center{max-width:460px;margin:80px auto;background:#fff;border:1px solid #e6ebf1;border-radius:12px;padding:40px;text-align:center}
.center h1{font-size:22px;margin:12px 0 8px}.center p{color:#4f566b}
.badge{display:inline-flex;width:52px;height:52px;border-radius:50%;align-items:center;justify-content:center;font-size:26px;font-weight:700}
.ok{background:#e3f8ec;color:#0e7a3f}.bad{background:#fdecec;color:#a41c1c}.warn{background:#fff4e5;color:#8a4b00}
.secure{font-size:12px;color:#8792a2;text-align:center;margin-top:14px}
`;

function page(title: string, body: string, status = 200): SandboxResponse {
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">`
    + `<title>${esc(title)}</title><style>${CSS}</style></head><body><div class="test">TEST MODE · Paydesk Sandbox</div>${body}</body></html>`;
  return {
    status,
    headers: {
      'Content-Type': 'text/html; charset=utf-8',
      // no scripts at all on these pages; forms post back to this origin only
      'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self' http: https:; frame-ancestors 'none'",
    },
    body: html,
  };
}

function centered(title: string, badge: string, badgeClass: string, message: string, extra = ''): SandboxResponse {
  return page(title, `<div class="center"><span class="badge ${badgeClass}">${badge}</span><h1>${esc(title)}</h1><p>${message}</p>${extra}</div>`);
}

function summary(session: Stripe.Checkout.Session, items: Stripe.LineItem[]): string {
  const currency = session.currency ?? 'usd';
  const rows = items.map((li) => `<li><div><div>${esc(li.description ?? 'Item')}</div><div class="qty">Qty ${li.quantity ?? 1}${(li.quantity ?? 1) > 1 && li.price?.unit_amount != null ? ` · ${esc(money(li.price.unit_amount, currency))} each` : ''}</div></div><div class="sum">${esc(money(li.amount_total, currency))}</div></li>`).join('');
  const back = session.cancel_url ? `<a class="back" href="${esc(session.cancel_url)}">&larr; Back</a>` : '';
  return `<section class="summary">${back}<div class="merchant"><span class="logo"></span>Paydesk Sandbox merchant</div>`
    + `<p class="label">Pay</p><div class="total" data-testid="total">${esc(money(session.amount_total ?? 0, currency))}</div>`
    + `<ul class="items">${rows}</ul><div class="row-total"><span>Total due</span><span>${esc(money(session.amount_total ?? 0, currency))}</span></div></section>`;
}

function checkoutForm(session: Stripe.Checkout.Session, items: Stripe.LineItem[], opts: { error?: string; values?: Partial<CardEntry> } = {}): SandboxResponse {
  const v = opts.values ?? {};
  const email = session.customer_email ?? v.email ?? '';
  const err = opts.error ? `<div class="error" role="alert" data-testid="error">${esc(opts.error)}</div>` : '';
  const form = `<section class="pay"><h2>Pay with card</h2>${err}<form method="post" action="/c/pay/${esc(session.id)}" autocomplete="off">`
    + `<label for="email">Email</label><input id="email" name="email" type="email" value="${esc(email)}" ${session.customer_email ? 'readonly' : ''} placeholder="you@example.com">`
    + `<label for="number">Card number</label><input id="number" name="number" inputmode="numeric" placeholder="1234 1234 1234 1234" value="${esc(v.number ?? '')}" required>`
    + `<div class="grid"><div><label for="expiry">Expiry</label><input id="expiry" name="expiry" placeholder="MM / YY" value="${esc(v.expiry ?? '')}" required></div>`
    + `<div><label for="cvc">CVC</label><input id="cvc" name="cvc" inputmode="numeric" placeholder="CVC" value="${esc(v.cvc ?? '')}" required></div></div>`
    + `<label for="name">Name on card</label><input id="name" name="name" value="${esc(v.name ?? '')}" placeholder="Full name">`
    + `<button type="submit" id="submit">Pay ${esc(money(session.amount_total ?? 0, session.currency ?? 'usd'))}</button></form>`
    + `<p class="secure">Payments in this sandbox are simulated. No real card is charged.</p>`
    + `<div class="hint">Test cards: <code>4242 4242 4242 4242</code> succeeds · <code>4000 0000 0000 0002</code> declined · <code>4000 0000 0000 9995</code> insufficient funds · <code>4000 0025 0000 3155</code> asks for authentication. Any future expiry, any CVC.</div></section>`;
  return page(`Pay ${money(session.amount_total ?? 0, session.currency ?? 'usd')}`, `<div class="wrap">${summary(session, items)}${form}</div>`);
}

function authenticationPage(session: Stripe.Checkout.Session): SandboxResponse {
  const amount = money(session.amount_total ?? 0, session.currency ?? 'usd');
  const actions = `<form method="post" action="/c/pay/${esc(session.id)}/authenticate"><input type="hidden" name="result" value="approve"><button type="submit" id="approve">Approve</button></form>`
    + `<form method="post" action="/c/pay/${esc(session.id)}/authenticate"><input type="hidden" name="result" value="fail"><button type="submit" id="fail" class="secondary">Fail authentication</button></form>`;
  return centered('Authenticate this payment', '<span style="font-size:14px">3DS</span>', 'warn', `Your bank asks you to confirm a payment of <strong>${esc(amount)}</strong> to Paydesk Sandbox merchant. This is a simulated 3D Secure step.`, actions);
}

function successTarget(session: Stripe.Checkout.Session): string | null {
  return session.success_url ? session.success_url.replace(/\{CHECKOUT_SESSION_ID\}/g, session.id) : null;
}

function redirect(location: string): SandboxResponse {
  return { status: 303, headers: { Location: location }, body: '' };
}

function finishedPage(session: Stripe.Checkout.Session): SandboxResponse {
  if (session.status === 'complete') {
    return centered('Payment complete', '&#10003;', 'ok', `Thanks! ${esc(money(session.amount_total ?? 0, session.currency ?? 'usd'))} was paid. A receipt is on its way${session.customer_details?.email ? ` to ${esc(session.customer_details.email)}` : ''}.`);
  }
  return centered('This checkout session has expired', '&times;', 'bad', 'The payment page is no longer available. Please ask the merchant for a new payment link.');
}

function entryFrom(req: SandboxRequest): CardEntry {
  const form = new URLSearchParams(req.rawBody.toString('utf8'));
  return { number: form.get('number') ?? '', expiry: form.get('expiry') ?? '', cvc: form.get('cvc') ?? '', name: form.get('name') ?? '', email: form.get('email') ?? '' };
}

export function registerStripePages(routes: RouteRegistrar, engine: StripeEngine): void {
  const findSession = (id: string) => engine.state.sessions[id];
  const notFoundPage = () => centered('Page not found', '?', 'warn', 'This checkout link is not valid.');

  routes.on('GET', '/c/pay/:id', (req) => {
    const session = findSession(req.params.id ?? '');
    if (!session) return { ...notFoundPage(), status: 404 };
    if (session.status === 'open' && session.expires_at * 1000 <= engine.now()) engine.expireSession(session.id);
    if (session.status !== 'open') return finishedPage(session);
    if (engine.state.sessionExtras[session.id]?.pendingAuthentication) return authenticationPage(session);
    return checkoutForm(session, engine.state.sessionLineItems[session.id] ?? []);
  });

  const afterAttempt = (sessionId: string, result: ReturnType<StripeEngine['pay']>, entry: CardEntry): SandboxResponse => {
    const items = engine.state.sessionLineItems[sessionId] ?? [];
    switch (result.status) {
      case 'succeeded': return redirect(successTarget(result.session) ?? `/c/pay/${sessionId}`);
      case 'requires_action': return authenticationPage(result.session);
      // keep what was typed (except the CVC) so the payer can fix one field and retry
      case 'declined': return checkoutForm(result.session, items, { error: result.message, values: { ...entry, cvc: '' } });
      case 'invalid_card': return checkoutForm(result.session, items, { error: result.message, values: { ...entry, cvc: '' } });
      case 'not_open': return finishedPage(result.session);
    }
  };

  routes.on('POST', '/c/pay/:id', (req) => {
    const session = findSession(req.params.id ?? '');
    if (!session) return { ...notFoundPage(), status: 404 };
    const entry = entryFrom(req);
    return afterAttempt(session.id, engine.pay(session.id, entry), entry);
  });

  routes.on('POST', '/c/pay/:id/authenticate', (req) => {
    const session = findSession(req.params.id ?? '');
    if (!session) return { ...notFoundPage(), status: 404 };
    if (!engine.state.sessionExtras[session.id]?.pendingAuthentication) return redirect(`/c/pay/${session.id}`);
    const result = new URLSearchParams(req.rawBody.toString('utf8')).get('result') === 'approve' ? 'approve' : 'fail';
    const entry: CardEntry = { number: '', expiry: '', cvc: '', name: '', email: '' };
    return afterAttempt(session.id, engine.pay(session.id, entry, result), entry);
  });

  // Payment link: every visit starts a fresh Checkout Session, as on Stripe
  routes.on('GET', '/b/:id', (req) => {
    const link = engine.state.paymentLinks[req.params.id ?? ''];
    if (!link) return { ...notFoundPage(), status: 404 };
    if (!link.active) return centered('This link is no longer active', '&times;', 'bad', esc(link.inactive_message ?? 'The merchant has deactivated this payment link.'));
    const items = linkLineItems(engine, link.id);
    const total = items.reduce((sum, li) => sum + li.amount_total, 0);
    const redirectUrl = link.after_completion.type === 'redirect' ? link.after_completion.redirect?.url ?? null : null;
    const session = createSession(engine, req.baseUrl, {
      items, currency: link.currency, total, expiresAt: engine.now() + SESSION_TTL_MS, successUrl: redirectUrl, cancelUrl: null,
      clientReferenceId: null, customerEmail: null, metadata: {}, paymentLink: link.id, paymentIntentData: engine.state.linkPaymentIntentData[link.id] ?? {},
    });
    return redirect(`/c/pay/${session.id}`);
  });

  routes.on('GET', '/receipts/:id', (req) => {
    const charge = engine.state.charges[req.params.id ?? ''];
    if (!charge || charge.status !== 'succeeded') return { ...notFoundPage(), status: 404 };
    const refunded = charge.amount_refunded > 0 ? `<p>Refunded: ${esc(money(charge.amount_refunded, charge.currency))}</p>` : '';
    return centered(`Receipt from Paydesk Sandbox merchant`, '&#10003;', 'ok', `Amount paid: <strong>${esc(money(charge.amount, charge.currency))}</strong><br>Card ending ${esc(charge.payment_method_details?.card?.last4 ?? '····')}`, refunded);
  });
}
