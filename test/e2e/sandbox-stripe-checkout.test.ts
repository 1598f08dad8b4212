// Pays on the sandbox's hosted Stripe checkout page in Debian Chromium, as a customer would.
import { mkdirSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSandbox, type RunningSandbox } from '../../sandbox/index.js';

const SHOTS = '/tmp/shots';
let sb: RunningSandbox;
let stripe: Stripe;
let browser: Browser;

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  sb = await createSandbox({ port: 0 });
  const url = new URL(sb.url);
  stripe = new Stripe(sb.keys.STRIPE_SECRET_KEY, { host: url.hostname, port: Number(url.port), protocol: 'http' });
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
});
afterAll(async () => {
  await browser?.close();
  await sb?.close();
});

async function newSession(): Promise<Stripe.Checkout.Session> {
  return stripe.checkout.sessions.create({
    mode: 'payment',
    // the success page is on the sandbox itself, so the redirect stays on 127.0.0.1; the browser has no
    // control token, so that page answers 401: these tests look only at the URL it lands on
    success_url: `${sb.url}/__sandbox/health?session={CHECKOUT_SESSION_ID}`,
    cancel_url: `${sb.url}/__sandbox/health?cancelled=1`,
    customer_email: 'asha@example.com',
    line_items: [
      { quantity: 2, price_data: { currency: 'inr', unit_amount: 125_000, product_data: { name: 'Yoga class pass' } } },
      { quantity: 1, price_data: { currency: 'inr', unit_amount: 49_950, product_data: { name: 'Mat rental' } } },
    ],
  });
}

async function fillCard(page: Page, number: string): Promise<void> {
  await page.fill('#number', number);
  await page.fill('#expiry', '12 / 34');
  await page.fill('#cvc', '123');
  await page.fill('#name', 'Asha Rao');
  await page.click('#submit');
}

describe('hosted checkout page', () => {
  it('succeeds with 4242 and redirects to success_url', async () => {
    const session = await newSession();
    const page = await browser.newPage({ viewport: { width: 1100, height: 760 } });
    await page.goto(session.url!);
    await expect.poll(() => page.textContent('[data-testid=total]')).toBe('₹2,999.50');
    expect(await page.textContent('body')).toContain('Yoga class pass');
    await page.screenshot({ path: `${SHOTS}/sandbox-stripe-checkout.png`, fullPage: true });
    await fillCard(page, '4242 4242 4242 4242');
    await page.waitForURL(/__sandbox\/health/);
    expect(page.url()).toContain(`session=${session.id}`);
    const done = await stripe.checkout.sessions.retrieve(session.id);
    expect(done).toMatchObject({ status: 'complete', payment_status: 'paid' });
    await page.close();
  });

  it('shows the decline reason for 0002 and lets the payer retry', async () => {
    const session = await newSession();
    const page = await browser.newPage({ viewport: { width: 1100, height: 760 } });
    await page.goto(session.url!);
    await fillCard(page, '4000 0000 0000 0002');
    await expect.poll(() => page.textContent('[data-testid=error]')).toBe('Your card was declined.');
    await page.screenshot({ path: `${SHOTS}/sandbox-stripe-declined.png`, fullPage: true });
    expect((await stripe.checkout.sessions.retrieve(session.id)).status).toBe('open');
    await fillCard(page, '4242424242424242');
    await page.waitForURL(/__sandbox\/health/);
    expect((await stripe.checkout.sessions.retrieve(session.id)).payment_status).toBe('paid');
    await page.close();
  });

  it('asks for authentication with 3155: Fail declines, Approve pays', async () => {
    const session = await newSession();
    const page = await browser.newPage({ viewport: { width: 1100, height: 760 } });
    await page.goto(session.url!);
    await fillCard(page, '4000 0025 0000 3155');
    await page.waitForSelector('#approve');
    await page.screenshot({ path: `${SHOTS}/sandbox-stripe-3ds.png`, fullPage: true });
    await page.click('#fail');
    await expect.poll(() => page.textContent('[data-testid=error]')).toContain('unable to authenticate');
    await fillCard(page, '4000002500003155');
    await page.click('#approve');
    await page.waitForURL(/__sandbox\/health/);
    const pi = await stripe.paymentIntents.retrieve((await stripe.checkout.sessions.retrieve(session.id)).payment_intent as string);
    expect(pi.status).toBe('succeeded');
    await page.close();
  });
});
