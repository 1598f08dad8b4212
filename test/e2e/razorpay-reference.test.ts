// The customer sees the shop's order reference on Razorpay's hosted pages, never Paydesk's internal id: a
// Razorpay Payment Link created in the console (browser mode + the embedded Paydesk Sandbox, Chromium), its
// hosted page opened in a second tab; and an Order's checkout page. Screenshot: rzp-hosted-reference.png.
import { join } from 'node:path';
import { expect, it } from 'vitest';
import type { Payment } from '../../shared/contract';
import { hostRpc, openConsole, SHOTS_DIR, useHostAndBrowser } from './fixtures';

const UI_TIMEOUT = 15_000;
const env = useHostAndBrowser();

/** A call to the console's RPC, as the page makes it (token header, same origin). */
const rpc = <T>(method: string, input: unknown): Promise<T> => hostRpc<T>(env.host, method, input);

it('a Razorpay link made in the console shows the order reference on its hosted page, not the Paydesk id', async () => {
  const orderRef = `ORD-${Date.now().toString(36).toUpperCase()}`;
  const c = await openConsole(env.browser, env.host, { path: '#/new-link' });
  try {
    const { page } = c;
    const form = page.getByRole('form', { name: 'New payment link' });
    await form.waitFor();
    await form.locator('label.account-option', { hasText: 'Sandbox Razorpay' }).click();
    await form.getByLabel('Amount').fill('499');
    await form.getByLabel('Order reference').fill(orderRef);
    await form.getByRole('button', { name: 'Create link' }).click();
    await page.locator('.link-result .link-qr img').waitFor({ timeout: UI_TIMEOUT });
    const url = await page.locator('#link-url').inputValue();
    const list = await rpc<{ rows: Payment[] }>('payments.list', { search: orderRef });
    const p = list.rows.find((r) => r.orderRef === orderRef);
    expect(p?.kind).toBe('razorpay_link');
    expect(p!.id).toMatch(/^pd_/);

    const customer = await c.context.newPage();
    await customer.setViewportSize({ width: 800, height: 900 });
    await customer.goto(url);
    const meta = customer.locator('.meta');
    await meta.waitFor();
    await expect(meta.locator('div', { hasText: 'Reference' }).locator('b').textContent()).resolves.toBe(orderRef);
    const text = (await customer.locator('body').innerText()) ?? '';
    expect(text).not.toContain(p!.id);
    expect(text).not.toMatch(/pd_[0-9a-f]{6}/);
    await customer.screenshot({ path: join(SHOTS_DIR, 'rzp-hosted-reference.png'), fullPage: true });
    await customer.close();
    expect(c.errors).toEqual([]);
  } finally {
    await c.context.close();
  }
});

it("a Razorpay Order's checkout page shows the order reference as its receipt, not the Paydesk id", async () => {
  const accounts = await rpc<{ id: string; gateway: string; mode: string }[]>('accounts.list', {});
  const accountId = accounts.find((a) => a.gateway === 'razorpay' && a.mode === 'test')!.id;
  const orderRef = `ORD-${Date.now().toString(36).toUpperCase()}-O`;
  const p = await rpc<Payment>('links.create', { accountId, mode: 'test', kind: 'order', amount: '250.00', currency: 'INR', orderRef });
  const page = await env.browser.newPage({ viewport: { width: 800, height: 900 } });
  try {
    // the sandbox's Checkout page, which Paydesk's pay page (p.url) opens in its overlay
    await page.goto(`${env.host.sandboxUrl!}/rzp/checkout/${p.gatewayIds.orderId!}`);
    await expect(page.locator('.desc').first().textContent()).resolves.toBe(`Order ${orderRef}`);
    await expect(page.locator('.meta div', { hasText: 'Receipt' }).locator('b').textContent()).resolves.toBe(orderRef);
    expect(await page.locator('body').innerText()).not.toContain(p.id);
    await page.screenshot({ path: join(SHOTS_DIR, 'rzp-hosted-order-reference.png'), fullPage: true });
  } finally {
    await page.close();
  }
});
