// Hosted Razorpay pages of Paydesk Sandbox in Debian chromium: pay a link by UPI, fail one, pay an order by card.
import { mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type Page } from 'playwright-core';
import type Razorpay from 'razorpay';
import { validatePaymentVerification } from 'razorpay/dist/utils/razorpay-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rzpClient, startSandbox, type RzpTestSandbox } from '../fixtures/razorpay-sandbox';

const SHOTS = '/tmp/shots';
let sb: RzpTestSandbox;
let rzp: Razorpay;
let browser: Browser;
let merchant: Server;
let merchantUrl = '';

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: `${SHOTS}/sandbox-rzp-${name}.png`, fullPage: true });
}

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  sb = await startSandbox();
  rzp = rzpClient(sb);
  // the merchant's callback page
  merchant = createServer((req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' }).end(`<h1 id="thanks">Thanks</h1><pre>${req.url ?? ''}</pre>`);
  });
  await new Promise<void>((resolve) => merchant.listen(0, '127.0.0.1', resolve));
  merchantUrl = `http://127.0.0.1:${(merchant.address() as AddressInfo).port}/thanks`;
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await sb?.close();
  await new Promise<void>((resolve) => merchant?.close(() => resolve()));
});

describe('Razorpay hosted pages', () => {
  it('pays a payment link with success@razorpay and redirects to the callback with a valid signature', async () => {
    const link = await rzp.paymentLink.create({
      amount: 149900, currency: 'INR', description: 'Invoice #1024: annual plan',
      customer: { name: 'Asha Rao', email: 'asha@example.com', contact: '+919876543210' },
      reference_id: 'INV-1024', callback_url: merchantUrl, callback_method: 'get',
    } as never);
    const page = await browser.newPage({ viewport: { width: 800, height: 900 } });
    await page.goto(link.short_url);
    await expect(page.getByTestId('amount').textContent()).resolves.toBe('₹1,499.00');
    await shot(page, 'link-card');
    await page.locator('label[for=m-upi]').click();
    await page.fill('#vpa', 'success@razorpay');
    await shot(page, 'link-upi');
    await Promise.all([page.waitForURL(/\/thanks\?/), page.click('#pay-upi')]);
    const u = new URL(page.url());
    expect(u.searchParams.get('razorpay_payment_link_status')).toBe('paid');
    expect(u.searchParams.get('razorpay_payment_link_reference_id')).toBe('INV-1024');
    expect(validatePaymentVerification({
      payment_link_id: u.searchParams.get('razorpay_payment_link_id'),
      payment_link_reference_id: u.searchParams.get('razorpay_payment_link_reference_id'),
      payment_link_status: u.searchParams.get('razorpay_payment_link_status'),
      payment_id: u.searchParams.get('razorpay_payment_id'),
    } as never, u.searchParams.get('razorpay_signature')!, sb.keys.RAZORPAY_KEY_SECRET)).toBe(true);
    expect((await rzp.paymentLink.fetch(link.id)).status).toBe('paid');
    await page.goto(link.short_url);
    await expect(page.locator('h1').textContent()).resolves.toContain('has been paid');
    await shot(page, 'link-paid');
    await page.close();
  });

  it('fails a payment link with failure@razorpay and offers a retry', async () => {
    const link = await rzp.paymentLink.create({ amount: 50000, currency: 'INR', description: 'Consultation fee', reference_id: 'INV-2048' } as never);
    const page = await browser.newPage({ viewport: { width: 800, height: 900 } });
    await page.goto(link.short_url);
    await page.locator('label[for=m-upi]').click();
    await page.fill('#vpa', 'failure@razorpay');
    await Promise.all([page.waitForURL(/\/rzp\/result\//), page.click('#pay-upi')]);
    await expect(page.locator('h1').textContent()).resolves.toBe('Payment failed');
    await shot(page, 'link-failed');
    const paymentId = await page.locator('[data-field=razorpay_payment_id]').textContent();
    expect((await rzp.payments.fetch(paymentId!)).status).toBe('failed');
    expect((await rzp.paymentLink.fetch(link.id)).status).toBe('created');
    await Promise.all([page.waitForURL(link.short_url), page.click('#retry')]);
    await page.close();
  });

  it('pays an order by card through the mock bank page; the result carries the checkout signature', async () => {
    const order = await rzp.orders.create({ amount: 249900, currency: 'INR', receipt: 'ORD-77' });
    const page = await browser.newPage({ viewport: { width: 800, height: 900 } });
    await page.goto(`${sb.url}/rzp/checkout/${order.id}`);
    await page.fill('#card_number', '4100 2800 0000 1007');
    await page.fill('#card_name', 'Asha Rao');
    await shot(page, 'order-card');
    await Promise.all([page.waitForURL(/\/rzp\/bank\//), page.click('#pay-card')]);
    await shot(page, 'bank');
    await Promise.all([page.waitForURL(/\/rzp\/result\//), page.click('#bank-success')]);
    await expect(page.locator('h1').textContent()).resolves.toBe('Payment successful');
    await shot(page, 'order-paid');
    const paymentId = (await page.locator('[data-field=razorpay_payment_id]').textContent())!;
    const orderId = (await page.locator('[data-field=razorpay_order_id]').textContent())!;
    const signature = (await page.locator('[data-field=razorpay_signature]').textContent())!;
    expect(orderId).toBe(order.id);
    expect(validatePaymentVerification({ order_id: order.id, payment_id: paymentId } as never, signature, sb.keys.RAZORPAY_KEY_SECRET)).toBe(true);
    expect((await rzp.payments.fetch(paymentId)).status).toBe('captured');
    expect((await rzp.orders.fetch(order.id)).status).toBe('paid');
    await page.close();
  });

  it('shows an error card failure from the bank step', async () => {
    const order = await rzp.orders.create({ amount: 10000, currency: 'INR', receipt: 'ORD-78' });
    const page = await browser.newPage({ viewport: { width: 800, height: 900 } });
    await page.goto(`${sb.url}/rzp/checkout/${order.id}`);
    await page.fill('#card_number', '4100 2800 0006 0003');
    await Promise.all([page.waitForURL(/\/rzp\/bank\//), page.click('#pay-card')]);
    await Promise.all([page.waitForURL(/\/rzp\/result\//), page.click('#bank-success')]);
    await expect(page.locator('[data-field=error_reason]').textContent()).resolves.toBe('card_declined');
    await page.close();
  });
});
