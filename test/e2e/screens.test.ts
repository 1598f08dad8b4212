// Every screen renders in light and dark without console errors (a CSP violation is a console error),
// the shell is keyboard usable, and the full-window states render, each reached for real: a database a
// newer Paydesk wrote, an engine the browser cannot reach, a token the restarted host refuses.
// Screenshots land in SHOTS_DIR (/tmp/shots) as ui-<screen>-<theme>.png for people to look at.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { dbPath } from '../../electron/core/store/db';
import { checksum, migrate } from '../../electron/core/store/migrate';
import { migrations } from '../../electron/core/store/migrations/index';
import { launchBrowser, openConsole, pageRpc, SHOTS_DIR, startHost, type Host } from './fixtures';

const SCREENS = [
  // [route, h1, nav label]
  ['overview', 'Overview', 'Overview'],
  ['payments', 'Payments', 'Payments'],
  ['new-link', 'New payment link', 'New link'],
  ['refunds', 'Refunds', 'Refunds'],
  ['reports', 'Reports', 'Reports'],
  ['webhooks', 'Webhooks', 'Webhooks'],
  ['settings', 'Settings', 'Settings'],
] as const;

let host: Host;
let browser: Browser;

beforeAll(async () => {
  mkdirSync(SHOTS_DIR, { recursive: true });
  // no internet for the host: the live account below is saved without reaching Stripe
  host = await startHost({ noInternet: true });
  browser = await launchBrowser();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await host?.stop();
});

const shot = (page: Page, name: string) => page.screenshot({ path: join(SHOTS_DIR, `ui-${name}.png`), fullPage: true });

describe.each(['light', 'dark'] as const)('%s theme', (theme) => {
  // seven screens, two dialogs and their screenshots: longer than one step's default on a busy machine
  it('renders every screen with its heading and no console errors', { timeout: 90_000 }, async () => {
    const { page, context, errors } = await openConsole(browser, host, { colorScheme: theme });
    try {
      expect(await page.evaluate<string>('document.documentElement.dataset.theme')).toBe(theme);
      // the token is not left in the address bar
      expect(new URL(page.url()).searchParams.has('token')).toBe(false);
      for (const [screen, title, navLabel] of SCREENS) {
        await page.evaluate(`window.location.hash = '#/${screen}'`);
        await page.getByRole('heading', { level: 1, name: title }).waitFor();
        await expect.poll(() => page.locator('[aria-current="page"]').getAttribute('title')).toBe(navLabel);
        if (screen === 'settings') await page.locator('.account').first().waitFor();
        await shot(page, `${screen}-${theme}`);
      }
      // the connect drawer, then its field errors from a submit with nothing filled in
      await page.getByRole('button', { name: 'Connect account' }).first().click();
      const drawer = page.getByRole('dialog', { name: 'Connect an account' });
      await drawer.waitFor();
      await shot(page, `connect-${theme}`);
      await drawer.getByRole('button', { name: 'Connect and verify' }).click();
      await drawer.locator('[aria-invalid="true"]').first().waitFor();
      await shot(page, `connect-errors-${theme}`);
      await page.keyboard.press('Escape');
      await drawer.waitFor({ state: 'hidden' });
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  });
});

it.each(['light', 'dark'] as const)('settings dialogs render (%s): manage keys, replace a secret, remove confirmation', async (theme) => {
  const { page, context, errors } = await openConsole(browser, host, { colorScheme: theme, path: '#/settings' });
  try {
    const row = page.locator('li.account').first();
    await row.waitFor();
    await row.getByRole('button', { name: 'Manage keys' }).click();
    const drawer = page.getByRole('dialog', { name: /^Manage / });
    await drawer.waitFor();
    // the built-in Stripe account's webhook secret is set by core when it registers with the sandbox: Replace, not Add
    await drawer.getByRole('region', { name: /webhook signing secret/i }).getByRole('button', { name: /^(Add|Replace)$/ }).click();
    await drawer.getByLabel(/New webhook signing secret/).waitFor();
    await shot(page, `manage-keys-${theme}`);
    await page.keyboard.press('Escape');
    await drawer.waitFor({ state: 'hidden' });
    await row.getByRole('button', { name: /^Remove / }).click();
    const confirm = page.getByRole('dialog', { name: /^Remove / });
    await confirm.waitFor();
    // the safe choice has focus
    await expect.poll(() => page.evaluate<string>('document.activeElement?.textContent')).toBe('Cancel');
    await shot(page, `remove-confirm-${theme}`);
    await page.keyboard.press('Escape');
    await confirm.waitFor({ state: 'hidden' });
    await expect(page.locator('li.account').count()).resolves.toBeGreaterThan(0);
    expect(errors).toEqual([]);
  } finally {
    await context.close();
  }
});

it('fetches the first screen\'s code in one round of requests, and no other screen\'s', async () => {
  for (const [path, heading] of [['#/payments', 'Payments'], ['', 'Overview']] as const) {
    const cp = await openConsole(browser, host, { path });
    try {
      await cp.page.getByRole('heading', { level: 1, name: heading }).waitFor();
      const files = (await cp.page.evaluate('performance.getEntriesByType("resource").map((e) => new URL(e.name).pathname)')) as string[];
      const code = files.filter((f) => /\.(js|css)$/.test(f));
      // a browser opens at most six connections to one HTTP/1.1 host: more files would wait for a second round
      expect(code.length, code.join(' ')).toBeLessThanOrEqual(6);
      expect(code.filter((f) => /(NewLink|Refunds|Reports|Webhooks|Settings|Audit)Screen/.test(f))).toEqual([]);
    } finally {
      await cp.context.close();
    }
  }
});

it('sends the screen\'s first data request before the shell\'s code runs', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 820 } });
  const page = await context.newPage();
  try {
    // the account list answers late, as from a busy engine: the shell's code is there long before it
    await page.route((url) => url.pathname === '/rpc/accounts.list', async (route) => {
      await new Promise((r) => setTimeout(r, 150));
      await route.continue();
    });
    // when the page asks for the first payments, and when anything is first drawn in #root
    await context.addInitScript(`(() => {
      const seen = (window.__seen = {});
      const fetch0 = window.fetch;
      window.fetch = function (input, init) {
        if (String(input).endsWith('/rpc/payments.list')) seen.firstData ??= performance.now();
        return fetch0.call(this, input, init);
      };
      new MutationObserver((_, o) => {
        if (!document.getElementById('root')?.firstChild) return;
        seen.drawn = performance.now();
        o.disconnect();
      }).observe(document, { subtree: true, childList: true });
    })()`);
    await page.goto(`${host.url}#/payments`);
    await page.getByRole('heading', { level: 1, name: 'Payments' }).waitFor();
    const seen = (await page.evaluate('window.__seen')) as { firstData?: number; drawn?: number };
    expect(seen.firstData, 'payments.list was asked for').toBeDefined();
    expect(seen.firstData!).toBeLessThan(seen.drawn!);
  } finally {
    await context.close();
  }
});

it('is keyboard usable: skip link, nav by Tab, Ctrl+N to a new link', async () => {
  const { page, context } = await openConsole(browser, host);
  try {
    await page.keyboard.press('Tab');
    await expect.poll(() => page.evaluate<string>('document.activeElement?.textContent')).toBe('Skip to main content');
    await shot(page, 'focus-skip-link');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.evaluate<string>('document.activeElement?.id')).toBe('main');
    // nav links are reachable by Tab from the top of the page
    await page.reload();
    await page.locator('nav[aria-label="Main"]').waitFor();
    const seen: string[] = [];
    for (let i = 0; i < 12; i++) {
      await page.keyboard.press('Tab');
      seen.push(await page.evaluate<string>("document.activeElement?.getAttribute('title') ?? ''"));
    }
    expect(seen).toEqual(expect.arrayContaining(['Overview', 'Payments', 'New link', 'Refunds', 'Reports', 'Webhooks', 'Settings']));
    await page.locator('a[title="Payments"]').focus();
    await shot(page, 'focus-nav');
    await page.keyboard.press('Control+n');
    await page.getByRole('heading', { level: 1, name: 'New payment link' }).waitFor();
  } finally {
    await context.close();
  }
});

it('shows the TEST MODE strip while test data is shown, and hides it for a selected live account', async () => {
  const { page, context } = await openConsole(browser, host);
  try {
    // first run connects the two sandbox accounts (test mode)
    const strip = page.getByText('TEST MODE', { exact: true });
    await strip.waitFor();
    // a live account with live keys: this host has no internet, so they are saved unchecked, as on a desk offline
    const live = await pageRpc<{ id: string; mode: string; verification: { status: string } }>(page, 'accounts.create', {
      gateway: 'stripe',
      mode: 'live',
      label: 'Shop live',
      publicKey: 'pk_live_e2eScreensLiveStrip',
      secretKey: 'sk_live_e2eScreensLiveStrip',
    });
    expect(live).toMatchObject({ mode: 'live', verification: { status: 'unverified' } });
    await page.reload();
    // the test accounts are still there: "all accounts" still shows test data
    await strip.waitFor();
    await page.getByLabel('Showing').selectOption(live.id);
    await strip.waitFor({ state: 'detached' });
    await shot(page, 'live-selected-light');
    await page.getByLabel('Showing').selectOption('');
    await strip.waitFor();
  } finally {
    await context.close();
  }
});

/** A data dir whose database a newer Paydesk wrote: every migration this version knows, then one more. */
function futureDataDir(): { dataDir: string; version: number } {
  const dataDir = mkdtempSync(join(tmpdir(), 'paydesk-e2e-future-'));
  const db = new Database(dbPath(dataDir));
  try {
    migrate(db);
    const version = migrations.length + 1;
    const sql = 'CREATE TABLE from_a_newer_paydesk (id INTEGER PRIMARY KEY) STRICT';
    db.exec(sql);
    db.prepare('INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (?, ?, ?, ?)').run(version, 'from-a-newer-paydesk', checksum(sql), Date.now());
    db.pragma(`user_version = ${version}`);
    return { dataDir, version };
  } finally {
    db.close();
  }
}

// starts a host of its own
it('shows a clear screen when the database is newer than this Paydesk', { timeout: 120_000 }, async () => {
  const { dataDir, version } = futureDataDir();
  const future = await startHost({ dataDir, sandbox: false });
  const context = await browser.newContext({ viewport: { width: 1280, height: 820 } });
  const page = await context.newPage();
  try {
    await page.goto(future.url);
    await page.getByRole('heading', { name: 'Paydesk can’t open your data' }).waitFor();
    await expect(page.getByText('This data was written by a newer version of Paydesk').isVisible()).resolves.toBe(true);
    await expect(page.getByText(`database version ${version}; this version knows up to ${migrations.length}`).isVisible()).resolves.toBe(true);
    await expect(page.getByText('db_from_future', { exact: true }).isVisible()).resolves.toBe(true);
    await shot(page, 'startup-error-light');
  } finally {
    await context.close();
    await future.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
});

/** The page's calls to the engine (RPC, its event stream, tickets and downloads), as against its own files. */
const isEngineCall = (url: URL): boolean => /^\/(rpc|events|tickets|exports)(\/|$)/.test(url.pathname);

it('shows the engine-unreachable screen, then recovers by itself', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 820 }, colorScheme: 'dark' });
  const page = await context.newPage();
  try {
    // The browser is offline, so each call to the engine fails in the network, as when the host is gone. The
    // page's own files still arrive: Playwright fetches them from the host outside the browser's network, so
    // the console can start and tell the merchant.
    await context.setOffline(true);
    await page.route((url) => url.origin === host.origin && !isEngineCall(url), async (route) => route.fulfill({ response: await route.fetch() }));
    await page.goto(host.url);
    await page.getByRole('heading', { name: 'Can’t reach Paydesk’s engine' }).waitFor();
    await shot(page, 'offline-dark');
    await context.setOffline(false);
    await page.locator('nav[aria-label="Main"]').waitFor({ timeout: 15_000 });
  } finally {
    await context.close();
  }
});

// Last in this file: it restarts the shared host.
it('asks to reopen the page when the host refuses its token (restarted with a new one)', async () => {
  const { page, context } = await openConsole(browser, host);
  try {
    // the same address, a new launch and so a new token: the one this tab keeps is refused from now on
    await host.restart({ samePort: true });
    await page.reload();
    await page.getByRole('heading', { name: 'Open Paydesk again' }).waitFor();
    await shot(page, 'session-ended-light');
  } finally {
    await context.close();
  }
});
