// Browser mode's login in a real browser: the printed address logs a tab in, the token stays in that tab
// (no cookie, nothing left in the address bar), the event stream opens with a one-time ticket, and a call
// without the token header is refused even from the console's own page.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchBrowser, openConsole, pageRpc, pageToken, startHost, type Host } from './fixtures';

let host: Host;
let browser: Browser;

beforeAll(async () => {
  host = await startHost();
  browser = await launchBrowser();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await host?.stop();
});

it('the printed address logs the tab in; no cookie, no token left in the address bar, events over a ticket', async () => {
  const context = await browser.newContext();
  try {
    const page = await context.newPage();
    const stream = page.waitForResponse((r) => new URL(r.url()).pathname === '/events', { timeout: 20_000 });
    await page.goto(host.url);
    await page.locator('nav[aria-label="Main"]').waitFor({ timeout: 20_000 });
    const events = await stream;
    expect(events.status()).toBe(200);
    expect(new URL(events.url()).searchParams.has('ticket')).toBe(true);
    expect(new URL(events.url()).searchParams.has('token')).toBe(false);

    expect(await context.cookies()).toEqual([]);
    expect(new URL(page.url()).searchParams.has('token')).toBe(false);
    expect(await pageToken(page)).toBe(new URL(host.url).searchParams.get('token'));
    await expect(pageRpc(page, 'system.ping', {})).resolves.toMatchObject({ pong: true });

    // the same page, without the header: the door is shut (a cookie could not have opened it either)
    const bare = await page.evaluate(async () => (await fetch('/rpc/system.ping', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).status);
    expect(bare).toBe(401);
  } finally {
    await context.close();
  }
});

it('a tab opened without the printed address is asked to open it; reloading a logged-in tab keeps it in', async () => {
  const { page, context } = await openConsole(browser, host);
  try {
    await page.reload();
    await page.locator('nav[aria-label="Main"]').waitFor({ timeout: 20_000 });
    const other = await context.newPage();
    await other.goto(host.origin);
    await other.getByRole('heading', { name: 'Open Paydesk again' }).waitFor({ timeout: 20_000 });
  } finally {
    await context.close();
  }
});
