// What the payment end-to-end tests do again and again: a customer pays on the sandbox's hosted Stripe page,
// the test waits for a payment to reach a state (asking the gateway now and then, as the merchant's Check
// status would), and opens a payment's drawer by its address.
import type { Locator, Page } from 'playwright-core';
import type { PaymentDetail } from '../../shared/contract';
import { pageRpc } from './fixtures';

/**
 * Fills the sandbox's hosted Stripe Checkout page with `card`, submits it, and returns once the page the
 * submit leads to has loaded (the decline on the form, the receipt, or the return page). A page.close()
 * that races a navigation's commit can be dropped by Chromium and never return (crbug.com/536385539).
 */
export async function payOnStripePage(page: Page, url: string, card: string, name = 'Asha Rao'): Promise<void> {
  await page.goto(url);
  await page.fill('#number', card);
  await page.fill('#expiry', '12 / 34');
  await page.fill('#cvc', '123');
  await page.fill('#name', name);
  // the form posts, so every outcome is a new document: its load event is the end of the submit
  const loaded = page.waitForEvent('load');
  await page.click('#submit');
  await loaded;
}

/**
 * Polls payments.get until `done` holds, asking the gateway every few tries. `refreshReports`: start (not
 * await) a settlements refresh once, for facts such as the fee that may come only with it.
 */
export async function untilPayment(page: Page, id: string, done: (d: PaymentDetail) => boolean, what: string, o: { refreshReports?: boolean } = {}): Promise<PaymentDetail> {
  for (let i = 0; i < 60; i++) {
    const d = await pageRpc<PaymentDetail>(page, 'payments.get', { id });
    if (done(d)) return d;
    if (i % 4 === 3) await pageRpc(page, 'links.checkStatus', { id }).catch(() => undefined);
    if (o.refreshReports && i === 8) void pageRpc(page, 'reports.refresh', { mode: 'test' }).catch(() => undefined);
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`payment ${id}: ${what} never happened`);
}

/** opens the payment's drawer through its address and waits for its status block */
export async function openPaymentDrawer(page: Page, id: string, timeout = 15_000): Promise<Locator> {
  await page.evaluate(`window.location.hash = '#/payments/${id}'`);
  const drawer = page.locator(`dialog[open] .pay-detail[data-payment-id="${id}"]`);
  await drawer.locator('[data-testid=payment-status]').waitFor({ timeout });
  return drawer;
}
