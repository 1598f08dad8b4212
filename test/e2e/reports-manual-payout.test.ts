// A Stripe manual payout on the Reports screen, in Chromium against browser mode + the embedded Paydesk Sandbox:
// pay a link, let the funds become available, make a manual payout (automatic: false, whose transactions Stripe
// will not list), Refresh, and see the payout stored and marked "Manual payout: matched by date", with the
// payment matched in its drill-down. Screenshots (light + dark) go to SHOTS_DIR.
import { mkdirSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { createPaidPayment, launchBrowser, openConsole, pageRpc, sandboxAccountIds, sandboxPost, SHOTS_DIR, shotsLightDark, startHost, type ConsolePage, type Host } from './fixtures';

let host: Host;
let browser: Browser;
let cp: ConsolePage;
let page: Page;
let stripeAccount = '';

const dayIn = (ms: number) => new Date(ms).toISOString().slice(0, 10);

beforeAll(async () => {
  host = await startHost();
  browser = await launchBrowser();
  mkdirSync(SHOTS_DIR, { recursive: true });
  cp = await openConsole(browser, host, { viewport: { width: 1280, height: 900 } });
  page = cp.page;
  page.setDefaultTimeout(20_000);
  stripeAccount = (await sandboxAccountIds(page)).stripe;
}, 180_000);

afterAll(async () => {
  await page?.screenshot({ path: `${SHOTS_DIR}/reports-manual-last-state.png` }).catch(() => undefined);
  await cp?.context.close();
  await browser?.close();
  await host?.stop();
});

it('stores a manual payout and shows it as matched by date', { timeout: 180_000 }, async () => {
  await createPaidPayment(page, host, { gateway: 'stripe', accountId: stripeAccount, amount: '40.00', orderRef: 'REP-M-1', customerName: 'Asha Rao', description: 'E2E manual payout' });
  await sandboxPost(host, '/__sandbox/clock/advance', { seconds: 3 * 86_400 });
  const made = (await sandboxPost(host, '/__sandbox/stripe/payouts', { manual: true, currency: 'usd' })) as { data: { id: string; automatic: boolean }[] };
  expect(made.data[0]?.automatic).toBe(false);

  await pageRpc(page, 'reports.settings.set', { timeZone: 'UTC' });
  await page.evaluate("location.hash = '#/reports'");
  await page.getByRole('heading', { level: 1, name: 'Reports' }).waitFor();
  await page.locator('label.segment', { hasText: 'Custom' }).click();
  await page.getByLabel('From', { exact: true }).fill(dayIn(Date.now() - 86_400_000));
  await page.getByLabel('To', { exact: true }).fill(dayIn(Date.now() + 6 * 86_400_000));
  await page.getByRole('button', { name: 'Refresh' }).click();

  const row = page.locator('#settlements button.stable-row', { hasText: made.data[0]!.id });
  await row.waitFor({ timeout: 60_000 });
  // the row says it in a short chip (the whole sentence is its title), the drill-down in words
  expect(await row.getByText('Manual', { exact: true }).getAttribute('title')).toMatch(/^Manual payout: matched by date\. /);
  await row.getByText('1 matched').waitFor();
  await row.scrollIntoViewIfNeeded();
  await shotsLightDark(page, 'reports-manual-payout', { fullPage: true });

  await row.click();
  const drawer = page.getByRole('dialog', { name: /^Payout po_/ });
  await drawer.getByText('Manual payout: matched by date.').waitFor();
  await drawer.getByRole('link', { name: 'Payment REP-M-1' }).waitFor();
  await shotsLightDark(page, 'reports-manual-payout-drilldown', { fullPage: true });
});
