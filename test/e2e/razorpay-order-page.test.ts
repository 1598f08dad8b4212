// A Razorpay Order shared as Paydesk's own pay page, in Chromium against browser mode with the embedded
// sandbox: the order is made from the console (its drawer shows /pay/<id> as the link to share), the
// customer opens that page, presses Pay, pays inside the overlay of the sandbox's stand-in Checkout.js,
// and lands on the thank-you page once Paydesk verified the signature; the console shows the payment Paid
// without a reload. A real account without a public address cannot share an Order: the New link form says so
// and switches to a Payment Link. Screenshots of the pay page, the overlay, the drawer and the form's prompt.
import { join } from 'node:path';
import { expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { openConsole, pageRpc, sandboxAccountIds, SHOTS_DIR, useHostAndBrowser } from './fixtures';

// no internet: the real Razorpay account below is saved without reaching Razorpay
const env = useHostAndBrowser({ noInternet: true });
const UI_TIMEOUT = 15_000;
const shot = (page: Page, name: string) => page.screenshot({ path: join(SHOTS_DIR, `razorpay-order-page-${name}.png`) });

it('pays a Razorpay Order on its pay page through the sandbox Checkout overlay; the console shows it paid', async () => {
  const c = await openConsole(env.browser, env.host, { path: '#/payments' });
  try {
    const { razorpay } = await sandboxAccountIds(c.page);
    const p = await pageRpc<{ id: string; url: string | null; kind: string }>(c.page, 'links.create', {
      accountId: razorpay, kind: 'order', amount: '1,299.00', currency: 'INR', orderRef: 'E2E-ORDER-1',
      customerName: 'Asha Rao', customerEmail: 'asha@example.com', description: 'Handloom saree',
    });
    expect(p.kind).toBe('razorpay_order');
    expect(p.url).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:\\d+/pay/${p.id}$`));

    await c.page.evaluate(`window.location.hash = '#/payments/${p.id}'`);
    const drawer = c.page.locator('dialog[open] .pay-detail');
    await drawer.locator('[data-testid=payment-status]').waitFor({ timeout: UI_TIMEOUT });
    await expect(drawer.getByLabel('Link URL').inputValue()).resolves.toBe(p.url);
    await expect(drawer.getByTestId('pay-page-note').textContent()).resolves.toMatch(/this computer only/);
    await shot(c.page, 'drawer-open');

    const customer = await c.context.newPage();
    const cspErrors: string[] = [];
    customer.on('console', (m) => { if (/Content Security Policy/i.test(m.text())) cspErrors.push(m.text()); });
    await customer.setViewportSize({ width: 900, height: 900 });
    await customer.goto(p.url!);
    await expect(customer.getByTestId('amount').textContent()).resolves.toBe('₹1,299.00');
    await shot(customer, 'page');
    await customer.emulateMedia({ colorScheme: 'dark' });
    await shot(customer, 'page-dark');
    await customer.emulateMedia({ colorScheme: 'light' });

    await customer.click('#pay-button');
    const frame = customer.frameLocator('iframe[name=razorpay-checkout-frame]');
    await frame.locator('label[for=m-upi]').click();
    await frame.locator('#vpa').fill('success@razorpay');
    await shot(customer, 'overlay');
    await Promise.all([customer.waitForURL(/\/pay\/done\?ref=E2E-ORDER-1/, { timeout: UI_TIMEOUT }), frame.locator('#pay-upi').click()]);
    await expect(customer.locator('h1').textContent()).resolves.toBe('Thank you');
    await shot(customer, 'thanks');
    expect(cspErrors).toEqual([]);

    // the console, never reloaded, shows it paid
    await drawer.locator('[data-testid=payment-status] .chip', { hasText: 'Paid' }).waitFor({ timeout: UI_TIMEOUT });
    await shot(c.page, 'drawer-paid');
    // the page, opened again, says so
    await customer.goto(p.url!);
    await expect(customer.locator('h1').textContent()).resolves.toBe('This order has been paid');
    await customer.close();
    expect(c.errors).toEqual([]);
  } finally {
    await c.context.close();
  }
}, 90_000);

it('closing the overlay calls ondismiss and charges nothing', async () => {
  const c = await openConsole(env.browser, env.host, { path: '#/payments' });
  try {
    const { razorpay } = await sandboxAccountIds(c.page);
    const p = await pageRpc<{ id: string; url: string | null }>(c.page, 'links.create', {
      accountId: razorpay, kind: 'order', amount: '250', currency: 'INR', orderRef: 'E2E-ORDER-2',
    });
    const customer = await c.context.newPage();
    await customer.goto(p.url!);
    await customer.click('#pay-button');
    await customer.frameLocator('iframe[name=razorpay-checkout-frame]').locator('#pay-card').waitFor();
    await customer.getByRole('button', { name: 'Close checkout' }).click();
    await expect.poll(() => customer.locator('#pay-note').textContent(), { timeout: 10_000 }).toMatch(/Nothing was charged/);
    await expect(customer.locator('[data-razorpay-sandbox=overlay]').count()).resolves.toBe(0);
    const now = await pageRpc<{ payment: { status: string } }>(c.page, 'payments.get', { id: p.id });
    expect(now.payment.status).toBe('open');
  } finally {
    await c.context.close();
  }
}, 60_000);

it('a real account without a public address: the form says an Order needs one and switches to a Payment Link', async () => {
  const c = await openConsole(env.browser, env.host, { path: '#/settings' });
  try {
    await pageRpc(c.page, 'accounts.create', {
      gateway: 'razorpay', mode: 'test', label: 'Weaver Street', publicKey: 'rzp_test_e2eOrderPage01', secretKey: 'e2eOrderPageSecret0123456',
    });
    await c.page.evaluate(`window.location.hash = '#/new-link'`);
    const form = c.page.getByRole('form', { name: 'New payment link' });
    await form.waitFor();
    await form.locator('label.account-option', { hasText: 'Weaver Street' }).click();
    await form.locator('input[name="kind"][value="order"]').check();
    const prompt = c.page.getByRole('alert', { name: 'Public address needed' });
    await prompt.waitFor();
    await expect(prompt.textContent()).resolves.toMatch(/An Order needs a public address.*ngrok’s free domains/);
    // sent anyway, core refuses it at the kind of link, before asking Razorpay anything
    await form.getByLabel('Amount').fill('500');
    await form.getByLabel('Order reference').fill('E2E-NO-ADDRESS');
    await form.getByRole('button', { name: /Create/ }).click();
    await form.getByText(/paid on Paydesk.s own pay page, which needs a public address/).waitFor();
    await c.page.screenshot({ path: join(SHOTS_DIR, 'razorpay-order-page-needs-address.png') });
    await prompt.getByRole('button', { name: 'Make a Payment Link instead' }).click();
    await prompt.waitFor({ state: 'hidden' });
    await expect(form.getByText(/needs a public address/).count()).resolves.toBe(0);
  } finally {
    await c.context.close();
  }
}, 60_000);
