// A gallery of every screen with data in it, in light and dark, at a laptop size (1366×850) and the smallest
// supported window (1024×700), for people to look at: /tmp/shots/gallery/<screen>-<theme>-<size>.png.
// Each shot waits for the screen's heading, so a screen that fails to render fails the test.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { createPaidPayment, launchBrowser, openConsole, pageRpc, sandboxAccountIds, sandboxPost, SHOTS_DIR, startHost, type E2ePayment, type Host } from './fixtures';

const GALLERY = join(SHOTS_DIR, 'gallery');
const SIZES = [
  { name: '1366', width: 1366, height: 850 },
  { name: '1024', width: 1024, height: 700 },
] as const;
const THEMES = ['light', 'dark'] as const;

// [file name, route, h1]
const SCREENS = [
  ['overview', 'overview', 'Overview'],
  ['new-link', 'new-link', 'New payment link'],
  ['payments', 'payments', 'Payments'],
  ['refunds', 'refunds', 'Refunds'],
  ['reports', 'reports', 'Reports'],
  ['webhooks', 'webhooks', 'Webhooks'],
  ['audit', 'audit', 'Audit'],
  ['settings', 'settings', 'Settings'],
] as const;

let host: Host;
let browser: Browser;
let paid: E2ePayment | null = null;
/** why the data could not be made: the screens are still shot (empty), then the test fails with this */
let dataError: unknown = null;

beforeAll(async () => {
  mkdirSync(GALLERY, { recursive: true });
  host = await startHost();
  browser = await launchBrowser();
  const { page, context } = await openConsole(browser, host);
  try {
    const ids = await sandboxAccountIds(page);
    const base = { description: 'Gallery order' };
    const made = await Promise.all([
      createPaidPayment(page, host, { ...base, gateway: 'stripe', accountId: ids.stripe, amount: '49.00', orderRef: 'GAL-1001', customerName: 'Asha Rao' }),
      createPaidPayment(page, host, { ...base, gateway: 'razorpay', accountId: ids.razorpay, amount: '1,499.00', orderRef: 'GAL-1002', customerName: 'Divya Nair' }),
      createPaidPayment(page, host, { ...base, gateway: 'stripe', accountId: ids.stripe, amount: '120.00', orderRef: 'GAL-1003', customerName: 'Ben Ortiz' }),
    ]);
    paid = made[0]!;
    await pageRpc(page, 'refunds.create', { paymentId: made[2].id, amount: '20.00', requestId: 'rq_gallery_0001', reason: 'requested_by_customer' });
    // a settlement at the bank, fetched for Reports
    await sandboxPost(host, '/__sandbox/razorpay/settlements', { currency: 'INR' });
    await pageRpc(page, 'reports.refresh', {});
    // an open link, not paid yet
    await pageRpc(page, 'links.create', { accountId: ids.razorpay, amount: '250.00', currency: 'INR', orderRef: 'GAL-1004', customerName: 'Chen Wei', customerEmail: 'chen@example.com', customerPhone: '+919876543210', description: 'Gallery order' });
  } catch (err) {
    dataError = err;
    console.error(host.output().split('\n').filter((l) => /error/i.test(l)).slice(-3).map((l) => l.slice(0, 400)).join('\n'));
  } finally {
    await context.close();
  }
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await host?.stop();
});

/** screens shot whole, so what is below the fold is looked at too */
const LONG = new Set(['reports', 'webhooks', 'settings']);

/** The main area scrolls inside the window: grow the window to the content's height, shoot, and size it back. */
async function shootWhole(page: Page, path: string, size: { width: number; height: number }): Promise<void> {
  const extra = await page.evaluate<number>(`(() => { const m = document.getElementById('main'); return m.scrollHeight - m.clientHeight; })()`);
  await page.setViewportSize({ width: size.width, height: size.height + Math.max(0, extra) });
  await page.waitForTimeout(200);
  await page.screenshot({ path });
  await page.setViewportSize({ width: size.width, height: size.height });
}

async function show(page: Page, route: string, h1: string): Promise<void> {
  await page.evaluate(`window.location.hash = '#/${route}'`);
  await page.getByRole('heading', { level: 1, name: h1 }).waitFor();
  // the first answer of the screen's queries, and any chart's first paint
  await page.waitForLoadState('networkidle').catch(() => undefined);
  await page.waitForTimeout(300);
}

for (const size of SIZES) {
  for (const theme of THEMES) {
    it(`every screen at ${size.width}×${size.height} in ${theme}`, { timeout: 120_000 }, async () => {
      const { page, context, errors } = await openConsole(browser, host, { colorScheme: theme, viewport: { width: size.width, height: size.height } });
      page.setDefaultTimeout(20_000);
      const file = (screen: string) => join(GALLERY, `${screen}-${theme}-${size.name}.png`);
      try {
        expect(await page.evaluate<string>('document.documentElement.dataset.theme')).toBe(theme);
        for (const [name, route, h1] of SCREENS) {
          await show(page, route, h1);
          if (name === 'payments' && paid) await page.locator(`[data-payment-id="${paid.id}"]`).waitFor();
          if (LONG.has(name)) await shootWhole(page, file(name), size);
          else await page.screenshot({ path: file(name) });
        }
        if (paid) {
          // the payment drawer over the table
          await show(page, `payments/${paid.id}`, 'Payments');
          const drawer = page.getByRole('dialog', { name: `Payment ${paid.orderRef}` });
          await drawer.locator('section.refund-panel').waitFor();
          await page.waitForTimeout(300);
          await page.screenshot({ path: file('payment-drawer') });
          await page.keyboard.press('Escape');
          await drawer.waitFor({ state: 'hidden' });
        }
        // the shortcut help
        await page.keyboard.press('?');
        await page.getByRole('dialog', { name: 'Keyboard shortcuts' }).waitFor();
        await page.screenshot({ path: file('shortcuts') });
        await page.keyboard.press('Escape');
        expect(errors).toEqual([]);
        expect(dataError).toBeNull();
      } finally {
        await context.close();
      }
    });
  }
}
