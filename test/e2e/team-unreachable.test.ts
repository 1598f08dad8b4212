// A browser-mode desk on PostgreSQL whose database goes away while the console is open: every screen says so
// in a banner (what the desk still does and what it does not), the payments list keeps what it showed, a new
// link is refused in words, and the banner goes once the server is back. Screenshots:
// /tmp/shots/team-unreachable.png and team-unreachable-settings.png.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { startPgCluster, type PgCluster } from '../fixtures/postgres';
import { launchBrowser, openConsole, pageRpc, SHOTS_DIR, startHost, type Host } from './fixtures';

let browser: Browser;
let cluster: PgCluster;
let host: Host;

beforeAll(async () => {
  cluster = await startPgCluster();
  const url = await cluster.createDatabase('team_outage_e2e');
  host = await startHost({ args: ['--store', url] });
  browser = await launchBrowser();
}, 180_000);
afterAll(async () => {
  await browser?.close();
  await host?.stop();
  cluster?.stop();
});

describe('a desk whose team database goes away', () => {
  it('says so on every screen, keeps what it showed, refuses changes in words, and recovers', async () => {
    const { page, context } = await openConsole(browser, host, { path: '#/payments', viewport: { width: 1366, height: 850 } });
    const accounts = await pageRpc<Array<{ id: string; gateway: string }>>(page, 'accounts.list', {});
    const stripe = accounts.find((a) => a.gateway === 'stripe')!;
    await pageRpc(page, 'links.create', { accountId: stripe.id, amount: '31.00', currency: 'USD', orderRef: 'E2E-OUT-1' });
    const row = page.getByText('E2E-OUT-1').first();
    await row.waitFor({ timeout: 15_000 });

    cluster.halt();
    const banner = page.getByText('The team database has been out of reach', { exact: false }).first();
    await banner.waitFor({ timeout: 10_000 });
    expect(await page.locator('.main-banner').first().innerText()).toContain('cannot make links, refunds or any other change');
    // the list keeps what it showed
    expect(await row.isVisible()).toBe(true);
    await page.screenshot({ path: join(SHOTS_DIR, 'team-unreachable.png') });

    await expect(pageRpc(page, 'links.create', { accountId: stripe.id, amount: '5.00', currency: 'USD', orderRef: 'E2E-OUT-2' }))
      .rejects.toThrow(/store_unreachable The team database \(127\.0\.0\.1:\d+\) has been out of reach since \d\d:\d\d, so this desk cannot change anything now: nothing was sent to the gateway/);

    // another screen shows the banner too
    await page.locator('nav[aria-label="Main"]').getByRole('link', { name: 'Settings' }).click();
    await page.getByRole('heading', { name: 'Settings', level: 1 }).waitFor({ timeout: 10_000 });
    await page.getByText('The team database has been out of reach', { exact: false }).first().waitFor({ timeout: 10_000 });
    await page.screenshot({ path: join(SHOTS_DIR, 'team-unreachable-settings.png') });

    cluster.resume();
    await expect.poll(() => page.getByText('The team database has been out of reach', { exact: false }).count(), { timeout: 20_000 }).toBe(0);
    await context.close();
  }, 120_000);
});
