// Every screen renders in light and dark without console errors (a CSP violation is a console error),
// the shell is keyboard usable, and the full-window states (engine unreachable, database from the future)
// render. Screenshots land in SHOTS_DIR (/tmp/shots) as ui-<screen>-<theme>.png for people to look at.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, openConsole, SHOTS_DIR, startHost, type Host } from './fixtures';

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
  host = await startHost();
  browser = await launchBrowser();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await host?.stop();
});

const shot = (page: Page, name: string) => page.screenshot({ path: join(SHOTS_DIR, `ui-${name}.png`), fullPage: true });

describe.each(['light', 'dark'] as const)('%s theme', (theme) => {
  it('renders every screen with its heading and no console errors', async () => {
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

it('is keyboard usable: skip link, nav by Tab, Ctrl+N to a new link', async () => {
  const { page, context } = await openConsole(browser, host);
  try {
    await page.keyboard.press('Tab');
    await expect.poll(() => page.evaluate<string>('document.activeElement?.textContent')).toBe('Skip to content');
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
    // accounts.list answered with one extra live account: selecting it hides the strip
    await page.route('**/rpc/accounts.list', async (route) => {
      const res = await route.fetch();
      const body = (await res.json()) as { ok: true; value: Array<Record<string, unknown>> };
      body.value.push({ ...body.value[0]!, id: 'acct_live_fake', label: 'Shop live', mode: 'live', sandbox: false });
      await route.fulfill({ response: res, json: body });
    });
    await page.reload();
    await strip.waitFor();
    await page.getByLabel('Showing').selectOption('acct_live_fake');
    await strip.waitFor({ state: 'detached' });
    await shot(page, 'live-selected-light');
    await page.getByLabel('Showing').selectOption('');
    await strip.waitFor();
  } finally {
    await context.close();
  }
});

it('shows a clear screen when the database is newer than this Paydesk', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 820 } });
  const page = await context.newPage();
  try {
    await page.route('**/rpc/system.info', async (route) => {
      const res = await route.fetch();
      const body = (await res.json()) as { ok: boolean; value: Record<string, unknown> };
      body.value.startupError = { code: 'db_from_future', message: 'This database was written by a newer Paydesk (schema 7; this version knows up to 1).' };
      await route.fulfill({ response: res, json: body });
    });
    await page.goto(host.url);
    await page.getByRole('heading', { name: 'Paydesk can’t open your data' }).waitFor();
    await expect(page.getByText('This database was written by a newer Paydesk').isVisible()).resolves.toBe(true);
    await shot(page, 'startup-error-light');
  } finally {
    await context.close();
  }
});

it('shows the engine-unreachable screen, then recovers by itself', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 820 }, colorScheme: 'dark' });
  const page = await context.newPage();
  try {
    let down = true;
    await page.route('**/rpc/**', (route) => (down ? route.abort('connectionrefused') : route.fallback()));
    await page.goto(host.url);
    await page.getByRole('heading', { name: 'Can’t reach Paydesk’s engine' }).waitFor();
    await shot(page, 'offline-dark');
    down = false;
    await page.locator('nav[aria-label="Main"]').waitFor({ timeout: 15_000 });
  } finally {
    await context.close();
  }
});

it('asks to reopen the page when the host refuses its token (restarted with a new one)', async () => {
  const context = await browser.newContext({ viewport: { width: 1280, height: 820 } });
  const page = await context.newPage();
  try {
    await page.route('**/rpc/**', (route) =>
      route.fulfill({ status: 401, json: { ok: false, error: { code: 'unauthorized', message: 'Missing or wrong access token.', retryable: false } } }),
    );
    await page.goto(host.url);
    await page.getByRole('heading', { name: 'Open Paydesk again' }).waitFor();
    await shot(page, 'session-ended-light');
  } finally {
    await context.close();
  }
});
