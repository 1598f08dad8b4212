// Webhook set-up, end to end in Chromium against browser mode + the embedded Paydesk Sandbox: on the Webhooks
// screen, start the public address with the "A URL I run myself" provider (in sandbox mode a loopback http
// URL is allowed: the local listener's own, so the sandbox can deliver), see the Stripe endpoint registered
// in the sandbox (read back with the official Stripe SDK), walk through the Razorpay set-up (a secret shown
// once, the warnings for an address Razorpay refuses), pay a link and see its delivery in the list.
// Screenshots (light + dark): offline, online, the Razorpay walkthrough, the deliveries.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Stripe from 'stripe';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, openConsole, sandboxControlOf, sandboxKeys, SHOTS_DIR, shotsLightDark, startHost, type ConsolePage, type Host, pageRpc, sandboxAccountIds } from './fixtures';

let host: Host;
let browser: Browser;
let cp: ConsolePage;
let page: Page;
const ids = { stripe: '', razorpay: '' };

const rpc = <T>(method: string, input: unknown): Promise<T> => pageRpc<T>(page, method, input);

const shots = (name: string): Promise<void> => shotsLightDark(page, `webhooks-${name}`);

beforeAll(async () => {
  host = await startHost();
  browser = await launchBrowser();
  mkdirSync(SHOTS_DIR, { recursive: true });
  cp = await openConsole(browser, host, { viewport: { width: 1280, height: 900 } });
  page = cp.page;
  page.setDefaultTimeout(20_000);
  Object.assign(ids, await sandboxAccountIds(page));
}, 180_000);

afterAll(async () => {
  await page?.screenshot({ path: join(SHOTS_DIR, 'webhooks-last-state.png') }).catch(() => undefined);
  await cp?.context.close();
  await browser?.close();
  await host?.stop();
});

it('starts an own-URL tunnel, registers the Stripe endpoint, walks through Razorpay, and lists a delivery', { timeout: 180_000 }, async () => {
  await page.evaluate("location.hash = '#/webhooks'");
  await page.getByRole('heading', { level: 1, name: 'Webhooks' }).waitFor();
  const tunnel = page.locator('#tunnel');
  await tunnel.locator('.light[data-state="offline"]').waitFor();
  await shots('offline');

  // the local listener's own address is the "URL I run myself" in sandbox mode
  const deliveries = await rpc<{ listener: { url: string | null } }>('webhooks.deliveries', { limit: 1 });
  expect(deliveries.listener.url, 'the webhook listener is not running in core (runtime.webhookListenerPort is null)').toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  const listenerUrl = deliveries.listener.url!;

  await tunnel.locator('label.segment', { hasText: 'A URL I run myself' }).click();
  await tunnel.getByRole('button', { name: `use ${listenerUrl}` }).click();
  expect(await tunnel.getByLabel('Your public URL').inputValue()).toBe(listenerUrl);
  await tunnel.getByRole('button', { name: 'Start' }).click();
  await tunnel.locator('.light[data-state="online"]').waitFor({ timeout: 30_000 });
  await tunnel.getByText(listenerUrl, { exact: true }).first().waitFor();

  // the Stripe endpoint: registered by Paydesk, visible on the screen and in the sandbox through the SDK
  const stripeCard = page.locator('#stripe-webhooks');
  await stripeCard.locator(`li[data-account="${ids.stripe}"][data-registration="registered"]`).waitFor({ timeout: 30_000 });
  const keys = await sandboxKeys(host);
  const sb = new URL(host.sandboxUrl!);
  const stripe = new Stripe(keys.STRIPE_SECRET_KEY, { host: sb.hostname, port: Number(sb.port), protocol: 'http' });
  const endpoints = await stripe.webhookEndpoints.list({ limit: 100 });
  const mine = endpoints.data.filter((e) => e.url === `${listenerUrl}/webhooks/stripe/${ids.stripe}`);
  expect(mine).toHaveLength(1);
  expect(mine[0]!.secret, 'the signing secret is never returned again').toBeFalsy();
  await shots('online');

  // Razorpay: the URL to paste, a secret shown once, the warnings (http and no 443: Razorpay refuses it)
  const rzp = page.locator(`#razorpay-webhooks section[data-account="${ids.razorpay}"]`);
  await rzp.getByText(`${listenerUrl}/webhooks/razorpay/${ids.razorpay}`).waitFor();
  await rzp.getByText('Razorpay will refuse this address').waitFor();
  await rzp.getByRole('button', { name: /Generate (a new )?secret/ }).click();
  const secret = (await rzp.getByTestId('razorpay-secret').textContent())!.trim();
  expect(secret.length).toBeGreaterThanOrEqual(16);
  await rzp.getByText('Shown once.').waitFor();
  await rzp.scrollIntoViewIfNeeded();
  await shots('razorpay');
  await rzp.getByRole('button', { name: 'I’ve pasted it' }).click();
  await expect.poll(async () => (await page.content()).includes(secret)).toBe(false);

  // a payment: its Stripe events arrive at the listener and appear in the list
  const p = await rpc<{ id: string; gatewayIds: { sessionId: string } }>('links.create', { accountId: ids.stripe, amount: '42.00', currency: 'USD', orderRef: 'WH-1', description: 'E2E webhooks' });
  const res = await sandboxControlOf(host).post(`/__sandbox/stripe/checkout/sessions/${p.gatewayIds.sessionId}/pay`);
  expect(res.ok).toBe(true);
  await sandboxControlOf(host).post('/__sandbox/webhooks/idle');
  const list = page.locator('#deliveries');
  const row = list.locator('.dtable-row[data-event-type="checkout.session.completed"]');
  await row.first().waitFor({ timeout: 30_000 });
  await row.first().getByText('Valid').waitFor();
  await expect.poll(async () => row.first().getAttribute('data-result'), { timeout: 20_000 }).toMatch(/^(applied|no_change)$/);
  const rpcRows = await rpc<{ rows: { eventType: string | null; signature: string; result: string }[] }>('webhooks.deliveries', { limit: 50 });
  expect(rpcRows.rows.some((r) => r.eventType === 'checkout.session.completed' && r.signature === 'valid')).toBe(true);
  await list.scrollIntoViewIfNeeded();
  await shots('deliveries');

  await tunnel.scrollIntoViewIfNeeded();
  await tunnel.getByRole('button', { name: 'Stop' }).click();
  await tunnel.locator('.light[data-state="offline"]').waitFor();
  expect(cp.errors.filter((e) => !/favicon/.test(e))).toEqual([]);
});
