// Payment links, end to end in Chromium against browser mode + the embedded Paydesk Sandbox: create payment links in
// the console and watch them change without a reload as the customer pays on the gateway's hosted page in a
// second tab (Stripe 4242 paid, 0002 declined with its reason; Razorpay UPI success@razorpay), expire one with
// the sandbox clock, refuse a forged webhook, and catch up a payment whose webhooks were lost by the sync that
// runs when Paydesk starts again. Screenshots of the screens (light and dark) land in SHOTS_DIR as pl-*.png.
import { join } from 'node:path';
import { expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { Payment, PaymentDetail } from '../../shared/contract';
import { hostRpc, openConsole, sandboxControlOf, SHOTS_DIR, useHostAndBrowser, type ConsolePage } from './fixtures';
import { payOnStripePage } from './payment-steps';

const UI_TIMEOUT = 15_000;
const env = useHostAndBrowser();

const shot = (page: Page, name: string) => page.screenshot({ path: join(SHOTS_DIR, `pl-${name}.png`) });

/** A call to the console's RPC, as the page makes it (token header, same origin). */
const rpc = <T>(method: string, input: unknown): Promise<T> => hostRpc<T>(env.host, method, input);

/** The sandbox's control API: GET without a body, else POST. */
async function sandbox<T = unknown>(path: string, body?: unknown): Promise<T> {
  const control = sandboxControlOf(env.host);
  const res = body === undefined ? await control.get<T>(path) : await control.post<T>(path, body);
  if (!res.ok) throw new Error(`sandbox ${path}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

async function accountId(gateway: 'stripe' | 'razorpay'): Promise<string> {
  const accounts = await rpc<{ id: string; gateway: string; mode: string }[]>('accounts.list', {});
  const a = accounts.find((x) => x.gateway === gateway && x.mode === 'test');
  if (!a) throw new Error(`no sandbox ${gateway} account`);
  return a.id;
}

const createLink = async (gateway: 'stripe' | 'razorpay', orderRef: string, extra: Record<string, unknown> = {}) =>
  rpc<Payment>('links.create', { accountId: await accountId(gateway), mode: 'test', amount: gateway === 'stripe' ? '49.00' : '1,499.00', currency: gateway === 'stripe' ? 'USD' : 'INR', orderRef, customerName: 'Asha Rao', customerEmail: 'asha@example.com', ...extra });

/** marks the page; if the marker is gone later, the page was reloaded */
const markPage = (page: Page) => page.evaluate('window.__noReload = 42');
const stillSamePage = (page: Page) => page.evaluate<number | undefined>('window.__noReload');

async function fillNewLink(page: Page, o: { account: string; amount: string; orderRef: string; email?: string }) {
  await page.evaluate(`window.location.hash = '#/new-link'`);
  const form = page.getByRole('form', { name: 'New payment link' });
  await form.waitFor();
  await form.locator('label.account-option', { hasText: o.account }).click();
  await form.getByLabel('Amount').fill(o.amount);
  await form.getByLabel('Order reference').fill(o.orderRef);
  if (o.email) await form.getByLabel('Email').fill(o.email);
  return form;
}

/** the drawer of one payment, opened by deep link */
async function openDrawer(c: ConsolePage, id: string) {
  await c.page.evaluate(`window.location.hash = '#/payments/${id}'`);
  const drawer = c.page.locator('dialog[open] .pay-detail');
  await drawer.locator('[data-testid=payment-status]').waitFor({ timeout: UI_TIMEOUT });
  return drawer;
}

const chipOf = (scope: ReturnType<Page['locator']>) => scope.locator('[data-testid=payment-status] .chip, [data-testid=link-status] .chip').first();

it('creates a Stripe link in the console, pays it with 4242 in a second tab, and sees Paid without a reload', async () => {
  const c = await openConsole(env.browser, env.host, { path: '#/new-link' });
  try {
    const { page } = c;
    const form = await fillNewLink(page, { account: 'Sandbox Stripe', amount: '1,234.50', orderRef: 'E2E-STRIPE-1', email: 'asha@example.com' });
    await expect.poll(() => form.getByText('The customer pays').textContent()).toContain('$1,234.50');
    await expect(form.getByRole('checkbox', { name: 'Send a receipt' }).isChecked()).resolves.toBe(true);
    await shot(page, 'new-link-light');
    // a double click makes one link (one requestId; the button is disabled while pending)
    await form.getByRole('button', { name: 'Create link' }).dblclick();
    const result = page.locator('.link-result');
    await result.waitFor({ timeout: UI_TIMEOUT });
    await result.locator('.link-qr img').waitFor();
    const url = await page.locator('#link-url').inputValue();
    expect(url).toMatch(/\/c\/pay\/cs_test_/);
    await expect(chipOf(result).textContent()).resolves.toBe('Open');
    const list = await rpc<{ total: number }>('payments.list', { search: 'E2E-STRIPE-1' });
    expect(list.total).toBe(1);
    await shot(page, 'link-result-light');

    // Copy works on a plain-http page (the textarea fallback); Open is a plain new-tab link
    await page.getByRole('button', { name: 'Copy link' }).click();
    await page.getByRole('button', { name: 'Copied the link' }).waitFor();
    const open = page.getByRole('link', { name: 'Open' });
    await expect(open.getAttribute('target')).resolves.toBe('_blank');
    await expect(open.getAttribute('rel')).resolves.toContain('noopener');

    await markPage(page);
    const customer = await c.context.newPage();
    await payOnStripePage(customer, url, '4242 4242 4242 4242');
    await chipOf(result).getByText('Paid', { exact: true }).waitFor({ timeout: UI_TIMEOUT });
    await page.getByText(/Paid: \$1,234\.50 for E2E-STRIPE-1/).first().waitFor({ timeout: UI_TIMEOUT });
    await expect(stillSamePage(page)).resolves.toBe(42);
    await customer.close();
    await shot(page, 'link-paid-light');
    expect(c.errors).toEqual([]);
  } finally {
    await c.context.close();
  }
});

it('shows a declined card (0002) as Open with a failed attempt and the reason, live in the payment drawer', async () => {
  const p = await createLink('stripe', 'E2E-DECLINE-1');
  const c = await openConsole(env.browser, env.host, { path: '#/payments' });
  try {
    const drawer = await openDrawer(c, p.id);
    await expect(chipOf(drawer).textContent()).resolves.toBe('Open');
    await markPage(c.page);
    const customer = await c.context.newPage();
    await payOnStripePage(customer, p.url!, '4000 0000 0000 0002');
    await customer.getByTestId('error').waitFor();
    // a declined attempt leaves a single-use link open: Open, with the failed attempt beside it
    await drawer.locator('[data-testid=payment-status] .chip-note', { hasText: '1 failed attempt' }).waitFor({ timeout: UI_TIMEOUT });
    await expect(chipOf(drawer).textContent()).resolves.toBe('Open');
    await expect(drawer.getByTestId('status-reason').textContent()).resolves.toMatch(/declined/i);
    await drawer.getByText('Payment attempt failed').waitFor();
    // the row in the table behind the drawer changed too
    await c.page.locator(`tr[data-payment-id="${p.id}"][data-status="failed"]`).waitFor({ timeout: UI_TIMEOUT });
    await expect(stillSamePage(c.page)).resolves.toBe(42);
    await customer.close();
    await shot(c.page, 'drawer-failed-light');
    expect(c.errors).toEqual([]);
  } finally {
    await c.context.close();
  }
});

it('creates a Razorpay link in the console and sees it Paid after UPI success@razorpay on the hosted page (dark theme)', async () => {
  const c = await openConsole(env.browser, env.host, { path: '#/new-link', colorScheme: 'dark' });
  try {
    const { page } = c;
    const form = await fillNewLink(page, { account: 'Sandbox Razorpay', amount: '1,499', orderRef: 'E2E-RZP-1', email: 'ravi@example.com' });
    await expect(form.getByLabel('Currency').inputValue()).resolves.toBe('INR');
    await shot(page, 'new-link-dark');
    await form.getByRole('button', { name: 'Create link' }).click();
    const result = page.locator('.link-result');
    await result.locator('.link-qr img').waitFor({ timeout: UI_TIMEOUT });
    await shot(page, 'link-result-dark');
    const url = await page.locator('#link-url').inputValue();
    await markPage(page);
    const customer = await c.context.newPage();
    await customer.goto(url);
    await customer.locator('label[for=m-upi]').click();
    await customer.fill('#vpa', 'success@razorpay');
    await customer.click('#pay-upi');
    await chipOf(result).getByText('Paid', { exact: true }).waitFor({ timeout: UI_TIMEOUT });
    await expect(stillSamePage(page)).resolves.toBe(42);
    await customer.close();
    await shot(page, 'link-paid-dark');
    expect(c.errors).toEqual([]);
  } finally {
    await c.context.close();
  }
});

it('refuses a forged webhook (400) and leaves the status unchanged', async () => {
  const p = await createLink('stripe', 'E2E-FORGED-1');
  const targets = await sandbox<{ data: { url: string; gateway: string }[] }>('/__sandbox/webhooks/targets?gateway=stripe');
  const listenerUrl = targets.data.find((t) => t.url.includes('/webhooks/stripe/'))?.url;
  expect(listenerUrl, 'core registers its webhook listener with the sandbox').toBeTruthy();
  const now = Math.floor(Date.now() / 1000);
  const body = JSON.stringify({
    id: 'evt_forged_1', object: 'event', type: 'checkout.session.completed', created: now, livemode: false,
    data: { object: { id: p.gatewayIds.sessionId, object: 'checkout.session', status: 'complete', payment_status: 'paid', client_reference_id: p.id, amount_total: p.amountMinor, currency: 'usd', payment_intent: 'pi_forged' } },
  });
  const res = await fetch(listenerUrl!, { method: 'POST', headers: { 'content-type': 'application/json', 'stripe-signature': `t=${now},v1=${'0'.repeat(64)}` }, body });
  expect(res.status).toBe(400);
  const unsigned = await fetch(listenerUrl!, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  expect(unsigned.status).toBe(400);
  const after = await rpc<PaymentDetail>('payments.get', { id: p.id });
  expect(after.payment.status).toBe('open');
  expect(after.events.some((e) => e.eventId === 'evt_forged_1')).toBe(false);
});

it('asks before cancelling a link, with a way out that says what it keeps; cancelling closes it', async () => {
  const p = await createLink('stripe', 'E2E-CANCEL-1');
  const c = await openConsole(env.browser, env.host, { path: '#/payments' });
  try {
    const drawer = await openDrawer(c, p.id);
    await drawer.getByRole('button', { name: 'Cancel link' }).click();
    const dialog = c.page.getByRole('dialog', { name: 'Cancel the link for E2E-CANCEL-1?' });
    await dialog.waitFor({ timeout: UI_TIMEOUT });
    // two buttons that both say "Cancel" would leave the merchant guessing which one keeps the link
    await expect(dialog.getByRole('button', { name: 'Cancel', exact: true }).count()).resolves.toBe(0);
    await shot(c.page, 'cancel-dialog-light');
    await dialog.getByRole('button', { name: 'Keep the link' }).click();
    await dialog.waitFor({ state: 'hidden', timeout: UI_TIMEOUT });
    expect((await rpc<PaymentDetail>('payments.get', { id: p.id })).payment.status).toBe('open');
    await drawer.getByRole('button', { name: 'Cancel link' }).click();
    await dialog.getByRole('button', { name: 'Cancel link' }).click();
    await chipOf(drawer).getByText('Cancelled', { exact: true }).waitFor({ timeout: UI_TIMEOUT });
    expect((await rpc<PaymentDetail>('payments.get', { id: p.id })).payment.status).toBe('cancelled');
    expect(c.errors).toEqual([]);
  } finally {
    await c.context.close();
  }
});

it('shows Expired when the sandbox clock passes the link’s expiry', async () => {
  const p = await createLink('stripe', 'E2E-EXPIRE-1', { expiresInMinutes: 30 });
  const c = await openConsole(env.browser, env.host, { path: '#/payments', colorScheme: 'dark' });
  try {
    await c.page.locator('.pay-row').first().waitFor({ timeout: UI_TIMEOUT });
    await shot(c.page, 'payments-dark');
    const drawer = await openDrawer(c, p.id);
    await expect(chipOf(drawer).textContent()).resolves.toBe('Open');
    await sandbox('/__sandbox/clock/advance', { seconds: 31 * 60 });
    // the sandbox expires the session at once and sends checkout.session.expired; Check status asks the gateway directly
    await drawer.getByRole('button', { name: 'Check status' }).click();
    await chipOf(drawer).getByText('Expired', { exact: true }).waitFor({ timeout: UI_TIMEOUT });
    await expect(drawer.getByRole('button', { name: 'Cancel link' }).count()).resolves.toBe(0);
    await shot(c.page, 'drawer-expired-dark');
    expect(c.errors).toEqual([]);
  } finally {
    await c.context.close();
  }
});

it('catches up a payment whose webhooks were lost, by the sync when Paydesk starts again', async () => {
  const p = await createLink('stripe', 'E2E-SYNC-1');
  // every Stripe delivery is lost from now on (the listener might as well be down)
  await sandbox('/__sandbox/webhooks/chaos', { gateway: 'stripe', dropFirst: 100 });
  const paid = await sandbox<{ status: string }>(`/__sandbox/stripe/checkout/sessions/${p.gatewayIds.sessionId}/pay`, { card: '4242424242424242' });
  expect(paid.status).toBe('succeeded');
  // the events were sent and lost, so Paydesk has not heard of the payment
  await expect.poll(async () => {
    const d = await sandbox<{ data?: { status: number | null }[] } | { status: number | null }[]>('/__sandbox/deliveries?gateway=stripe');
    const list = Array.isArray(d) ? d : (d.data ?? []);
    return list.some((x) => x.status === null);
  }, { timeout: UI_TIMEOUT }).toBe(true);
  expect((await rpc<PaymentDetail>('payments.get', { id: p.id })).payment.status).toBe('open');

  await env.host.restart();
  const c = await openConsole(env.browser, env.host, { path: '#/payments' });
  try {
    const drawer = await openDrawer(c, p.id);
    await chipOf(drawer).getByText('Paid', { exact: true }).waitFor({ timeout: UI_TIMEOUT });
    // it came from the gateway check, not from a webhook
    await drawer.locator('.pay-timeline li', { hasText: 'Paid' }).getByText(/status check/).waitFor();
    await shot(c.page, 'drawer-paid-light');
    await c.page.keyboard.press('Escape');
    await c.page.evaluate(`window.location.hash = '#/overview'`);
    await c.page.locator('.ov-stat').first().waitFor({ timeout: UI_TIMEOUT });
    await shot(c.page, 'overview-light');
    expect(c.errors).toEqual([]);
  } finally {
    await c.context.close();
  }
  const d = await openConsole(env.browser, env.host, { path: '#/overview', colorScheme: 'dark' });
  try {
    await d.page.locator('.ov-stat').first().waitFor({ timeout: UI_TIMEOUT });
    await shot(d.page, 'overview-dark');
    await d.page.evaluate(`window.location.hash = '#/payments'`);
    await d.page.locator('.pay-row').first().waitFor({ timeout: UI_TIMEOUT });
    await openDrawer(d, p.id);
    await shot(d.page, 'drawer-paid-dark');
  } finally {
    await d.context.close();
  }
}, 90_000);
