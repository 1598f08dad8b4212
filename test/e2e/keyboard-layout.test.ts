// The console by keyboard and in the smallest supported window (1024×700), in Chromium against browser mode:
//   1. a refund made with the keyboard only: the focus is on the expected element after every step, never
//      on the page body;
//   2. every screen keeps its key columns in view (no column behind a sideways scroll or clipped by a card),
//      the sidebar folds to icons and remembers the merchant's choice; screenshots of each screen;
//   3. G-then-letter shortcuts open each screen (not while typing in a field) and "?" lists them.
// Screenshots land in SHOTS_DIR as kb-*.png.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { createPaidPayment, launchBrowser, openConsole, pageRpc, sandboxAccountIds, sandboxPost, SHOTS_DIR, startHost, type ConsolePage, type E2ePayment, type Host } from './fixtures';

const VIEWPORT = { width: 1024, height: 700 };
let host: Host;
let browser: Browser;
let cp: ConsolePage;
let page: Page;
let paid: E2ePayment;

beforeAll(async () => {
  mkdirSync(SHOTS_DIR, { recursive: true });
  host = await startHost();
  browser = await launchBrowser();
  cp = await openConsole(browser, host, { viewport: VIEWPORT });
  page = cp.page;
  page.setDefaultTimeout(20_000);
  const ids = await sandboxAccountIds(page);
  const base = { description: 'Keyboard test order' };
  const [a, b] = await Promise.all([
    createPaidPayment(page, host, { ...base, gateway: 'stripe', accountId: ids.stripe, amount: '60.00', orderRef: 'KB-1001', customerName: 'Asha Rao' }),
    createPaidPayment(page, host, { ...base, gateway: 'razorpay', accountId: ids.razorpay, amount: '2,500.00', orderRef: 'KB-1002', customerName: 'Divya Nair' }),
  ]);
  paid = a;
  // a refund on record for the Refunds and Audit screens
  await pageRpc(page, 'refunds.create', { paymentId: b.id, amount: '100.00', requestId: 'rq_keyboard_0001', speed: 'normal' });
  // a settlement for the Reports screen's table (fetched there with Refresh)
  await sandboxPost(host, '/__sandbox/razorpay/settlements', { currency: 'INR' });
}, 180_000);

afterAll(async () => {
  await page?.screenshot({ path: join(SHOTS_DIR, 'kb-last-state.png') }).catch(() => undefined);
  await cp?.context.close();
  await browser?.close();
  await host?.stop();
});

interface Focused {
  tag: string;
  text: string;
  testid: string | null;
  name: string | null;
  label: string | null;
  /** the accessible name of the dialog the focus is in, if any */
  dialog: string | null;
  refundItem: boolean;
  payOpen: string | null;
}

/** what has the keyboard focus now (the callback runs in the page; this file is type-checked without the DOM lib) */
function focused(): Promise<Focused> {
  return page.evaluate(`(() => {
    const el = document.activeElement;
    const d = el && el.closest('dialog');
    const title = d && d.querySelector('.dialog-title');
    return {
      tag: el ? el.tagName.toLowerCase() : 'none',
      text: el ? (el.textContent || '').trim().slice(0, 80) : '',
      testid: el && el.getAttribute('data-testid'),
      name: el && el.getAttribute('name'),
      label: el && el.getAttribute('aria-label'),
      dialog: title ? title.textContent.trim() : null,
      refundItem: !!(el && el.matches('.refund-item')),
      payOpen: el && el.matches('.pay-open') ? el.closest('[data-payment-id]').getAttribute('data-payment-id') : null,
    };
  })()`);
}

/** Tab until `want` holds, at most `max` presses; the focus must never be on the page body on the way */
async function tabUntil(want: (f: Focused) => boolean, max: number, label: string): Promise<number> {
  for (let i = 1; i <= max; i++) {
    await page.keyboard.press('Tab');
    const f = await focused();
    expect(f.tag, `Tab ${i} towards ${label} left the focus on the page body`).not.toBe('body');
    if (want(f)) return i;
  }
  throw new Error(`${label} was not reached in ${max} Tabs`);
}

it('makes a refund with the keyboard only, the focus always on the expected element', { timeout: 120_000 }, async () => {
  await page.evaluate(`window.location.hash = '#/payments'`);
  await page.locator(`[data-payment-id="${paid.id}"]`).waitFor();
  // from the top of the page: the skip link, then the payments in a few Tabs
  await page.reload();
  await page.locator(`[data-payment-id="${paid.id}"]`).waitFor();
  await page.keyboard.press('Tab');
  expect((await focused()).text).toBe('Skip to main content');
  await page.keyboard.press('Enter');
  expect((await focused()).tag).toBe('main');
  const tabs = await tabUntil((f) => f.payOpen !== null, 15, 'the first payment');
  expect(tabs).toBeLessThanOrEqual(12);
  await tabUntil((f) => f.payOpen === paid.id, 10, `payment ${paid.orderRef}`);
  await page.screenshot({ path: join(SHOTS_DIR, 'kb-row-focus-light.png') });
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.waitForTimeout(150);
  await page.screenshot({ path: join(SHOTS_DIR, 'kb-row-focus-dark.png') });
  await page.emulateMedia({ colorScheme: 'light' });

  // Enter opens the drawer; Tab to its Refund button
  await page.keyboard.press('Enter');
  const drawer = page.getByRole('dialog', { name: `Payment ${paid.orderRef}` });
  await drawer.locator('section.refund-panel').getByRole('button', { name: 'Refund', exact: true }).waitFor();
  expect((await focused()).dialog).toBe(`Payment ${paid.orderRef}`);
  await tabUntil((f) => f.tag === 'button' && f.text === 'Refund' && f.dialog === `Payment ${paid.orderRef}`, 40, 'the Refund button');

  // Escape on the refund form gives the focus back to the Refund button
  await page.keyboard.press('Enter');
  await page.getByRole('dialog', { name: 'Refund payment' }).waitFor();
  await expect.poll(async () => (await focused()).name).toBe('amount');
  await page.keyboard.press('Escape');
  await page.getByRole('dialog', { name: 'Refund payment' }).waitFor({ state: 'hidden' });
  await expect.poll(async () => { const f = await focused(); return `${f.tag}:${f.text}`; }).toBe('button:Refund');

  // the refund itself: amount, Tab to Review refund, Enter, then Enter on the confirm button
  await page.keyboard.press('Enter');
  await page.getByRole('dialog', { name: 'Refund payment' }).waitFor();
  await expect.poll(async () => (await focused()).name).toBe('amount');
  await page.keyboard.press('Control+A');
  await page.keyboard.type('15');
  await tabUntil((f) => f.text === 'Review refund', 8, 'Review refund');
  await page.keyboard.press('Enter');
  await page.getByRole('dialog', { name: 'Confirm the refund' }).waitFor();
  await expect.poll(async () => (await focused()).testid).toBe('confirm-refund');
  expect((await focused()).text).toBe('Refund $15.00');
  await page.screenshot({ path: join(SHOTS_DIR, 'kb-refund-confirm-focus.png') });
  await page.keyboard.press('Enter');
  await page.getByRole('dialog', { name: 'Confirm the refund' }).waitFor({ state: 'hidden' });
  // the focus goes to the new refund's line in the drawer, where its status shows
  await expect.poll(async () => (await focused()).refundItem, { timeout: 20_000 }).toBe(true);
  const after = await focused();
  expect(after.dialog).toBe(`Payment ${paid.orderRef}`);
  expect(after.text).toMatch(/\$15\.00/);
  await page.screenshot({ path: join(SHOTS_DIR, 'kb-refund-done-focus.png') });

  // closing the drawer gives the focus back to the row that opened it
  await page.keyboard.press('Escape');
  await drawer.waitFor({ state: 'hidden' });
  await expect.poll(async () => (await focused()).payOpen).toBe(paid.id);
});

/** Whether the element is fully inside the window and inside every ancestor that clips (overflow not visible). */
function fullyVisible(selector: string): Promise<{ shown: string[]; hidden: string[] }> {
  return page.evaluate(`(() => {
    const els = Array.from(document.querySelectorAll(${JSON.stringify(selector)}));
    const hidden = [];
    const shown = [];
    for (const el of els) {
      // a column dropped on purpose in a narrow table (display: none) is not a hidden one
      if (el.getClientRects().length === 0) continue;
      const r = el.getBoundingClientRect();
      let ok = r.width > 0 && r.left >= -0.5 && r.right <= window.innerWidth + 0.5;
      for (let a = el.parentElement; ok && a; a = a.parentElement) {
        const s = getComputedStyle(a);
        if (s.overflowX === 'visible') continue;
        const ar = a.getBoundingClientRect();
        if (r.left < ar.left - 0.5 || r.right > ar.right + 0.5) ok = false;
      }
      if (!ok) hidden.push((el.textContent || '').trim() + ' right=' + Math.round(r.right));
      else shown.push((el.textContent || '').trim());
    }
    return { shown, hidden };
  })()`);
}

const LAYOUT: { route: string; h1: string; headers: string; want: string[]; wait?: string; refresh?: boolean }[] = [
  { route: 'overview', h1: 'Overview', headers: '', want: [] },
  { route: 'payments', h1: 'Payments', headers: '.pay-table thead th', want: ['Status', 'Amount', 'Customer', 'Order ref', 'Paid'], wait: '.pay-row' },
  { route: 'new-link', h1: 'New payment link', headers: '', want: [] },
  { route: 'refunds', h1: 'Refunds', headers: '.rtable-head [role="columnheader"]', want: ['Date', 'Amount', 'Status', 'Payment', 'Operator', 'Reason'], wait: '[data-refund-id]' },
  { route: 'audit', h1: 'Audit', headers: '.audit-head > span', want: ['When', 'Action', 'Operator', 'Subject'], wait: '.audit-item' },
  { route: 'reports', h1: 'Reports', headers: '.stable-head [role="columnheader"]', want: ['Date', 'Account', 'Amount', 'Matched', 'Status'], wait: 'button.stable-row', refresh: true },
  { route: 'webhooks', h1: 'Webhooks', headers: '.dtable-head [role="columnheader"]', want: [] },
  { route: 'settings', h1: 'Settings', headers: '.account-actions .btn', want: [] },
];

it('keeps every key column in view at 1024×700, with the sidebar folded to icons', { timeout: 120_000 }, async () => {
  const nav = page.locator('nav[aria-label="Main"]');
  await expect.poll(() => nav.getAttribute('class')).toContain('is-collapsed');
  // folded, each screen keeps its name for screen readers and as a tooltip
  await expect(page.getByRole('link', { name: 'Payments' }).getAttribute('title')).resolves.toBe('Payments');
  for (const { route, h1, headers, want, wait, refresh } of LAYOUT) {
    await page.evaluate(`window.location.hash = '#/${route}'`);
    await page.getByRole('heading', { level: 1, name: h1 }).waitFor();
    if (refresh) await page.getByRole('button', { name: 'Refresh' }).click();
    if (wait) await page.locator(wait).first().scrollIntoViewIfNeeded();
    await page.waitForTimeout(250);
    // nothing wider than the window: no sideways scroll on the page
    expect(await page.evaluate<boolean>(`(() => { const m = document.getElementById('main'); return m.scrollWidth <= m.clientWidth + 1; })()`), `${route} scrolls sideways`).toBe(true);
    if (headers) {
      const v = await fullyVisible(headers);
      expect(v.hidden, `${route}: hidden or clipped`).toEqual([]);
      for (const w of want) expect(v.shown, route).toContain(w);
    }
    await page.screenshot({ path: join(SHOTS_DIR, `kb-${route}-1024.png`) });
  }

  // the merchant's choice wins over the window's width, and is remembered
  await page.getByRole('button', { name: 'Show the menu’s names' }).click();
  await expect.poll(() => nav.getAttribute('class')).not.toContain('is-collapsed');
  await page.reload();
  await nav.waitFor();
  await expect.poll(() => nav.getAttribute('class')).not.toContain('is-collapsed');
  await page.screenshot({ path: join(SHOTS_DIR, 'kb-sidebar-open-1024.png') });
  await page.getByRole('button', { name: 'Fold the menu to icons' }).click();
  await expect.poll(() => nav.getAttribute('class')).toContain('is-collapsed');
});

const SHORTCUTS: [key: string, h1: string][] = [
  ['p', 'Payments'],
  ['f', 'Refunds'],
  ['a', 'Audit'],
  ['r', 'Reports'],
  ['w', 'Webhooks'],
  ['s', 'Settings'],
  ['n', 'New payment link'],
  ['o', 'Overview'],
];

it('opens each screen with G then its letter, not while typing, and lists the shortcuts under "?"', { timeout: 90_000 }, async () => {
  await page.evaluate(`window.location.hash = '#/overview'`);
  await page.getByRole('heading', { level: 1, name: 'Overview' }).waitFor();
  for (const [key, h1] of SHORTCUTS) {
    await page.keyboard.press('g');
    await page.keyboard.press(key);
    await page.getByRole('heading', { level: 1, name: h1 }).waitFor();
    // the focus lands on the new screen's heading
    await expect.poll(async () => (await focused()).tag).toBe('h1');
  }
  // typed into a field, the same keys are just letters
  await page.keyboard.press('g');
  await page.keyboard.press('p');
  await page.getByRole('heading', { level: 1, name: 'Payments' }).waitFor();
  const search = page.getByRole('searchbox').first();
  await search.focus();
  await page.keyboard.type('go');
  await page.waitForTimeout(300);
  expect(await search.inputValue()).toBe('go');
  await expect(page.getByRole('heading', { level: 1, name: 'Payments' }).count()).resolves.toBe(1);
  await search.fill('');

  // "?" lists every screen's keys; Escape closes the list and gives the focus back
  await page.getByRole('heading', { level: 1, name: 'Payments' }).focus();
  await page.keyboard.press('?');
  const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
  await help.waitFor();
  for (const [key, h1] of SHORTCUTS) {
    const label = h1 === 'New payment link' ? 'New link' : h1;
    await expect(help.getByRole('term').filter({ hasText: new RegExp(`^${label}$`) }).count(), label).resolves.toBe(1);
    await expect(help.getByRole('definition').filter({ hasText: new RegExp(`G\\s*then\\s*${key}`, 'i') }).count(), key).resolves.toBeGreaterThan(0);
  }
  await page.screenshot({ path: join(SHOTS_DIR, 'kb-shortcuts-help.png') });
  await page.keyboard.press('Escape');
  await help.waitFor({ state: 'hidden' });
  expect((await focused()).tag).toBe('h1');
  // the sidebar shows the keys next to each screen (when not folded) and the help has a button
  await page.getByRole('button', { name: 'Keyboard shortcuts' }).click();
  await help.waitFor();
  await page.keyboard.press('Escape');
  await help.waitFor({ state: 'hidden' });
  await expect.poll(async () => (await focused()).label).toBe('Keyboard shortcuts');
});

it('folded, the sidebar still shows who is at the desk, with Switch and Lock in view', { timeout: 60_000 }, async () => {
  // the first owner is signed in at once on this desk
  await pageRpc(page, 'operators.create', { name: 'Olivia Owner', role: 'owner', pin: '2468' });
  await page.getByTestId('desk-current').waitFor({ state: 'attached' });
  const nav = page.locator('nav[aria-label="Main"]');
  await expect.poll(() => nav.getAttribute('class')).toContain('is-collapsed');
  await nav.getByRole('button', { name: 'Switch', exact: true }).waitFor();
  const v = await fullyVisible('.sidebar .desk-badge-actions .btn');
  expect(v.hidden).toEqual([]);
  expect(v.shown).toEqual(['Switch', 'Lock']);
  // everything in the folded sidebar fits a 700-pixel window: nothing to scroll to
  expect(await page.evaluate<boolean>(`(() => { const n = document.querySelector('nav[aria-label="Main"]'); return n.scrollHeight <= n.clientHeight + 1; })()`)).toBe(true);
  await nav.getByRole('button', { name: 'Keyboard shortcuts' }).waitFor();
  await nav.getByRole('button', { name: /^Theme: Match system/ }).waitFor();
  await page.screenshot({ path: join(SHOTS_DIR, 'kb-sidebar-desk-1024.png') });
});
