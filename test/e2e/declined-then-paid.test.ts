// A single-use Stripe link, declined then paid, as the merchant watches it: after the declined card (4000 0000
// 0000 0002) on the sandbox's hosted page the link is still Open with "1 failed attempt" and the decline in
// one sentence (never a red Failed, never "declined.."); after a good card it is Paid. Then a partial refund:
// the drawer's Net is captured − refunded − fee, and Reports' "as of" time covers the refund.
// Screenshots: SHOTS_DIR/drawer-declined-{light,dark}.png, drawer-net-{light,dark}.png.
import { mkdirSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { openPaymentDrawer, payOnStripePage, untilPayment } from './payment-steps';
import { launchBrowser, openConsole, pageRpc, sandboxAccountIds, SHOTS_DIR, shotsLightDark, startHost, type ConsolePage, type Host } from './fixtures';

const UI_TIMEOUT = 15_000;
const SENTENCE = 'The bank declined the card. Ask the customer to try another card or contact their bank.';
let host: Host;
let browser: Browser;
let c: ConsolePage;

beforeAll(async () => {
  mkdirSync(SHOTS_DIR, { recursive: true });
  host = await startHost();
  browser = await launchBrowser();
  c = await openConsole(browser, host, { path: '#/payments', viewport: { width: 1366, height: 850 } });
  c.page.setDefaultTimeout(20_000);
}, 120_000);

afterAll(async () => {
  await c?.context.close();
  await browser?.close();
  await host?.stop();
});

const rpc = <T>(method: string, input: unknown): Promise<T> => pageRpc<T>(c.page, method, input);

it('a declined attempt leaves the link Open with the decline in a sentence; a good card then pays it; Net is after refund and fee', { timeout: 180_000 }, async () => {
  const ids = await sandboxAccountIds(c.page);
  const p = await rpc<{ id: string; url: string }>('links.create', {
    accountId: ids.stripe, mode: 'test', amount: '49.00', currency: 'USD', orderRef: 'E2E-DECLINE-PAY', customerName: 'Asha Rao', customerEmail: 'asha@example.com',
  });
  const drawer = await openPaymentDrawer(c.page, p.id, UI_TIMEOUT);
  const status = drawer.locator('[data-testid=payment-status]');
  await expect(status.locator('.chip').first().textContent()).resolves.toBe('Open');

  const customer = await c.context.newPage();
  await payOnStripePage(customer, p.url, '4000 0000 0000 0002');
  await customer.getByTestId('error').waitFor();
  // the decline reaches Paydesk by webhook (or, if that is slow on a busy machine, by asking the gateway)
  await untilPayment(c.page, p.id, (d) => d.payment.failedAttempts === 1, 'the declined attempt');

  // the drawer: Open, "1 failed attempt", the sentence and the code apart; no Failed, no double stop
  await status.locator('.chip-note', { hasText: '1 failed attempt' }).waitFor({ timeout: UI_TIMEOUT });
  await expect(status.locator('.chip').first().textContent()).resolves.toBe('Open');
  const reason = drawer.getByTestId('status-reason');
  await expect(reason.textContent()).resolves.toBe(`${SENTENCE}code: generic_decline`);
  await expect(reason.locator('.pay-reason-code').textContent()).resolves.toBe('code: generic_decline');
  await expect(drawer.locator('.chip', { hasText: /^Failed$/ }).count()).resolves.toBe(0);
  const drawerText = (await drawer.textContent()) ?? '';
  expect(drawerText).not.toMatch(/\.\./);
  expect(drawerText).not.toContain('generic_decline: Your card was declined');
  await drawer.getByRole('button', { name: 'Cancel link' }).waitFor();
  expect(drawerText).not.toContain('can no longer be paid');

  // the row behind the drawer says the same
  const row = c.page.locator(`tr[data-payment-id="${p.id}"]`);
  await row.locator('.chip-note', { hasText: '1 failed attempt' }).waitFor({ timeout: UI_TIMEOUT });
  await expect(row.locator('.chip').first().textContent()).resolves.toBe('Open');
  await shotsLightDark(c.page, 'drawer-declined');

  // a good card on the same link
  await payOnStripePage(customer, p.url, '4242 4242 4242 4242');
  await status.locator('.chip', { hasText: /^Paid$/ }).waitFor({ timeout: UI_TIMEOUT });
  await expect(drawer.getByTestId('status-reason').count()).resolves.toBe(0);
  await row.locator('.chip', { hasText: /^Paid$/ }).waitFor({ timeout: UI_TIMEOUT });
  await customer.close();

  // a partial refund once the fee is known: Net = captured − refunded − fee
  const paid = await untilPayment(c.page, p.id, (d) => d.payment.capturedMinor > 0 && d.fees.feeMinor !== null, 'capture and fee', { refreshReports: true });
  const fee = paid.fees.feeMinor!;
  expect(fee).toBeGreaterThan(0);
  await rpc('refunds.create', { paymentId: p.id, amount: '10.00', requestId: `e2e-decline-pay-${Date.now()}` });
  const refunded = await untilPayment(c.page, p.id, (d) => d.payment.refundedMinor === 1000, 'the refund');
  const expected = refunded.payment.capturedMinor - 1000 - fee;
  const net = drawer.locator('[data-testid=net] .money');
  await expect.poll(() => net.getAttribute('data-minor'), { timeout: UI_TIMEOUT }).toBe(String(expected));
  expect(expected).toBe(4900 - 1000 - fee);
  await drawer.locator('[data-testid=amounts]').scrollIntoViewIfNeeded();
  await shotsLightDark(c.page, 'drawer-net');

  // Reports: the figures are as of a time that covers the refund just made
  const refundAt = Date.now();
  await c.page.evaluate(`window.location.hash = '#/reports'`);
  const fresh = c.page.getByTestId('reports-freshness');
  await c.page.getByRole('heading', { level: 1, name: 'Reports' }).waitFor();
  await fresh.waitFor({ timeout: 30_000 });
  const asOf = await fresh.locator('time').first().getAttribute('datetime');
  expect(Date.parse(asOf!)).toBeGreaterThanOrEqual(refundAt - 5_000);
  await expect(fresh.textContent()).resolves.toMatch(/^Figures as of .+ · settlements( fetched|: refreshing| not fetched yet)/);

  expect(c.errors.filter((e) => !/favicon/.test(e))).toEqual([]);
});

it('a reusable link\'s drawer lists its payments, each opens its own drawer and leads back; a second attempt at an order says which', { timeout: 180_000 }, async () => {
  const ids = await sandboxAccountIds(c.page);
  const link = await rpc<{ id: string; url: string; reference: string }>('links.create', {
    accountId: ids.stripe, mode: 'test', kind: 'payment_link', amount: '25.00', currency: 'USD', orderRef: 'E2E-REUSE-1', description: 'Yoga drop-in',
  });
  const customer = await c.context.newPage();
  await payOnStripePage(customer, link.url, '4242 4242 4242 4242');
  // the first payment must be through before the page is reused: going to the link again would cancel its submit
  await untilPayment(c.page, link.id, (d) => d.payments.length === 1, 'the first payment through the link');
  await payOnStripePage(customer, link.url, '4242 4242 4242 4242');
  await customer.close();
  await untilPayment(c.page, link.id, (d) => d.payments.length === 2, 'two payments through the link');

  const drawer = await openPaymentDrawer(c.page, link.id, UI_TIMEOUT);
  const status = drawer.locator('[data-testid=payment-status]');
  await status.locator('.chip-note', { hasText: 'Reusable link · 2 payments' }).waitFor({ timeout: UI_TIMEOUT });
  await expect(status.locator('.chip').first().textContent()).resolves.toBe('Open');
  await drawer.getByRole('button', { name: 'Cancel link' }).waitFor();
  const text = (await drawer.textContent()) ?? '';
  expect(text).not.toContain('can no longer be paid');
  expect(await drawer.locator('.refund-panel').count(), 'no refund form on the link itself').toBe(0);
  const rows = drawer.getByTestId('link-payments').locator('button');
  await expect(rows.count()).resolves.toBe(2);
  await shotsLightDark(c.page, 'drawer-reusable');

  // a payment of the link: its own drawer, refundable, with the way back
  await rows.first().click();
  await c.page.locator('dialog[open] .pay-detail .refund-panel').waitFor({ timeout: UI_TIMEOUT });
  const child = c.page.locator('dialog[open] .pay-detail');
  await child.getByRole('button', { name: link.reference }).waitFor();
  await shotsLightDark(c.page, 'drawer-reusable-payment');
  await child.getByRole('button', { name: link.reference }).click();
  await c.page.locator(`dialog[open] .pay-detail[data-payment-id="${link.id}"]`).waitFor({ timeout: UI_TIMEOUT });

  // an order tried twice: attempt 1 cancelled, attempt 2 open
  const first = await rpc<{ id: string }>('links.create', { accountId: ids.stripe, mode: 'test', amount: '12.00', currency: 'USD', orderRef: 'E2E-TWICE' });
  await rpc('links.cancel', { id: first.id });
  const second = await rpc<{ id: string; reference: string }>('links.create', { accountId: ids.stripe, mode: 'test', amount: '12.00', currency: 'USD', orderRef: 'E2E-TWICE' });
  const d2 = await openPaymentDrawer(c.page, second.id, UI_TIMEOUT);
  await expect(d2.getByTestId('attempt-of').textContent()).resolves.toBe(`Attempt 2 of 2 · ${second.reference}`);
  await expect(d2.getByTestId('order-attempts').locator('button').count()).resolves.toBe(2);
  await shotsLightDark(c.page, 'drawer-attempts');
  expect(c.errors.filter((e) => !/favicon/.test(e))).toEqual([]);
});

it('the Webhooks page says Receiving while deliveries arrive, though no tunnel was started here', { timeout: 60_000 }, async () => {
  const deliveries = await rpc<{ rows: { at: number; signature: string }[] }>('webhooks.deliveries', { limit: 5 });
  const newest = deliveries.rows.find((r) => r.signature !== 'refused');
  expect(newest, 'the payments above were delivered to the listener').toBeTruthy();
  expect(Date.now() - newest!.at).toBeLessThan(5 * 60_000);
  await c.page.evaluate(`window.location.hash = '#/webhooks'`);
  const light = c.page.locator('#tunnel .light');
  await light.waitFor();
  await expect(light.getAttribute('data-state')).resolves.toBe('offline');
  await expect.poll(() => light.getAttribute('data-shown'), { timeout: UI_TIMEOUT }).toBe('receiving');
  await expect(light.locator('strong').textContent()).resolves.toBe('Receiving');
  await expect(light.textContent()).resolves.toMatch(/Last delivery (\d+ s|\d+ min) ago\./);
  expect((await light.textContent()) ?? '').not.toContain('Offline');
  await shotsLightDark(c.page, 'webhooks-receiving');
});
