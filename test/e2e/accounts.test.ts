// Connecting gateway keys, end to end in Chromium against browser mode + the embedded Paydesk Sandbox:
// connect a test-mode Stripe account, see it verified, see a wrong-mode key refused at its field,
// check that no secret reached the page (DOM, input values, storage, RPC responses), restart the host
// on the same data dir and see the account still connected (and its sealed keys still work).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, openConsole, sandboxKeys, SHOTS_DIR, startHost, type Host } from './fixtures';

let host: Host;
let browser: Browser;
let keys: Awaited<ReturnType<typeof sandboxKeys>>;
const WEBHOOK_SECRET = `whsec_e2eLeakCheck${Math.random().toString(36).slice(2, 12)}`;
const LABEL = 'Corner Shop (Stripe)';

beforeAll(async () => {
  host = await startHost();
  browser = await launchBrowser();
  keys = await sandboxKeys(host);
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await host?.stop();
});

const secrets = () => [keys.STRIPE_SECRET_KEY, keys.RAZORPAY_KEY_SECRET, WEBHOOK_SECRET];

/** Every place in the page a secret could sit: markup, live input values, both storages. */
async function pageText(page: Page): Promise<string> {
  const dom = await page.content();
  const extra = await page.evaluate<string>(`JSON.stringify({
    inputs: Array.from(document.querySelectorAll('input, textarea')).map((e) => e.value),
    local: Object.entries(localStorage),
    session: Object.entries(sessionStorage),
    title: document.title,
    url: location.href,
  })`);
  return dom + extra;
}

function accountRow(page: Page, label: string) {
  return page.locator('li.account', { has: page.getByRole('heading', { name: label, exact: true }) });
}

async function openConnect(page: Page) {
  await page.getByRole('button', { name: 'Connect account' }).first().click();
  const drawer = page.getByRole('dialog', { name: 'Connect an account' });
  await drawer.waitFor();
  return drawer;
}

// two console pages and a restart of the host in between: longer than one step's default on a busy machine
it('connects a test-mode Stripe account against the sandbox, refuses a wrong-mode key at the field, and keeps it across a restart', { timeout: 90_000 }, async () => {
  const { page, context, errors } = await openConsole(browser, host, { path: '#/settings' });
  const rpcBodies: string[] = [];
  page.on('response', async (res) => {
    if (new URL(res.url()).pathname.startsWith('/rpc/')) rpcBodies.push(await res.text().catch(() => ''));
  });
  try {
    await page.getByRole('heading', { level: 1, name: 'Settings' }).waitFor();

    // connect: Stripe, test mode, through the sandbox, with the sandbox's keys and a webhook secret
    let drawer = await openConnect(page);
    await drawer.getByLabel('Stripe').check();
    await drawer.getByLabel('Test').check();
    await drawer.getByLabel('Connect to Paydesk Sandbox').check();
    await drawer.getByLabel('Name').fill(LABEL);
    await drawer.getByLabel('Publishable key').fill(keys.STRIPE_PUBLISHABLE_KEY);
    await drawer.getByLabel('Secret key').fill(keys.STRIPE_SECRET_KEY);
    await drawer.getByLabel(/Webhook signing secret/).fill(WEBHOOK_SECRET);
    await drawer.getByRole('button', { name: 'Connect and verify' }).click();
    await drawer.waitFor({ state: 'hidden', timeout: 20_000 });

    const row = accountRow(page, LABEL);
    await row.waitFor();
    await expect.poll(() => row.getByText('Verified', { exact: true }).isVisible()).toBe(true);
    await expect(row.getByText('Test mode').isVisible()).resolves.toBe(true);
    await expect(row.getByText('Sandbox', { exact: true }).isVisible()).resolves.toBe(true);
    // secrets appear only as their last four characters
    await expect(row.getByText(`•••• ${keys.STRIPE_SECRET_KEY.slice(-4)}`).isVisible()).resolves.toBe(true);
    await expect(row.getByText(`•••• ${WEBHOOK_SECRET.slice(-4)}`).isVisible()).resolves.toBe(true);
    await expect.poll(() => page.getByText(`${LABEL} connected`).isVisible()).toBe(true);

    // a test key in a live account: refused, and the message sits at the publishable key field
    drawer = await openConnect(page);
    await drawer.getByLabel('Live').check();
    await drawer.getByLabel('Name').fill('Wrong mode');
    await drawer.getByLabel('Publishable key').fill(keys.STRIPE_PUBLISHABLE_KEY);
    await drawer.getByLabel('Secret key').fill(keys.STRIPE_SECRET_KEY);
    await drawer.getByRole('button', { name: 'Connect and verify' }).click();
    const pk = drawer.getByLabel('Publishable key');
    await expect.poll(() => pk.getAttribute('aria-invalid')).toBe('true');
    const describedBy = (await pk.getAttribute('aria-describedby')) ?? '';
    const errorText = await page.locator(`[id="${describedBy.split(' ')[0]}"]`).textContent();
    expect(errorText).toMatch(/test key, but the account is in live mode/);
    mkdirSync(SHOTS_DIR, { recursive: true });
    await page.screenshot({ path: join(SHOTS_DIR, 'ui-connect-wrong-mode.png') });
    // nothing was created
    await page.keyboard.press('Escape');
    await drawer.waitFor({ state: 'hidden' });
    await expect(accountRow(page, 'Wrong mode').count()).resolves.toBe(0);

    // the leak check: no secret anywhere in the page or in any RPC response it received
    const text = await pageText(page);
    for (const s of secrets()) {
      expect(text.includes(s), 'a secret is in the page').toBe(false);
      for (const body of rpcBodies) expect(body.includes(s), 'a secret is in an RPC response').toBe(false);
    }
    expect(rpcBodies.length).toBeGreaterThan(0);
    expect(errors).toEqual([]);
  } finally {
    await context.close();
  }

  // restart on the same data dir: the account is still there, still verified, and its sealed key still works
  await host.restart();
  const again = await openConsole(browser, host, { path: '#/settings' });
  try {
    const row = accountRow(again.page, LABEL);
    await row.waitFor();
    await expect(row.getByText('Verified', { exact: true }).isVisible()).resolves.toBe(true);
    await row.getByRole('button', { name: 'Verify' }).click();
    await expect.poll(() => again.page.getByText(`${LABEL}: keys work`).isVisible()).toBe(true);
    const text = await pageText(again.page);
    for (const s of secrets()) expect(text.includes(s)).toBe(false);
    expect(again.errors).toEqual([]);
  } finally {
    await again.context.close();
  }
});
