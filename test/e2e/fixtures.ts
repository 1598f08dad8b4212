// Shared by every end-to-end test: a real browser-mode host (plus its embedded Paydesk Sandbox) on a fresh
// port and an isolated data dir, built from the current sources (ensure-built.ts), and Debian Chromium driven
// by playwright-core (STYLE.md §1.12).
//
//   const host = await startHost();               // or startHost({ dataDir, sandbox: false })
//   const browser = await launchBrowser();
//   const page = await openConsole(browser, host);  // loads host.url (with its token), waits for the shell
//   ...
//   await host.restart();                          // same data dir, new port and token: host.url changes
//   await host.restart({ samePort: true });        // same address, new token: an open page's token is refused
//   await browser.close(); await host.stop();      // stop() also deletes a data dir it created
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { sandboxControl, type SandboxControl } from '../../sandbox/client';
import { BUILT_HOST, ensureBuilt } from './ensure-built';
import { TOKEN_HEADER, TOKEN_STORAGE_KEY } from '../../shared/browser-auth';

export const ROOT = resolve(import.meta.dirname, '..', '..');
const SOURCE_HOST = join(ROOT, 'electron', 'browser-host', 'cli.ts');
const NO_INTERNET = join(ROOT, 'test', 'e2e', 'no-internet.mjs');
const START_TIMEOUT_MS = 60_000;

export interface HostOptions {
  /** reuse a data dir (kept on stop); default: a fresh temp dir, deleted on stop */
  dataDir?: string;
  /** run the embedded Paydesk Sandbox (default true) */
  sandbox?: boolean;
  /** extra CLI flags */
  args?: string[];
  /**
   * The host's process cannot reach the internet (its DNS answers ENOTFOUND for every name but localhost),
   * as on a desk without a connection: a call to a real gateway fails as unreachable, never reaches it.
   */
  noInternet?: boolean;
}

export interface Host {
  /** the console URL with its per-launch token, e.g. http://127.0.0.1:41234/?token=… (changes on restart) */
  readonly url: string;
  /** http://127.0.0.1:<p> of the embedded sandbox, or null with sandbox: false (changes on restart) */
  readonly sandboxUrl: string | null;
  /** the token the sandbox's control API demands (the host prints SANDBOX_CONTROL_TOKEN=…), or null without the sandbox */
  readonly sandboxControlToken: string | null;
  /** origin of the console, without the token */
  readonly origin: string;
  readonly dataDir: string;
  /** everything the host printed (stdout + stderr), for failure messages */
  output(): string;
  /** stop the host; deletes the data dir if startHost created it */
  stop(): Promise<void>;
  /**
   * stop and start again on the same data dir; url and sandboxUrl are updated. The new launch has a new
   * token; with `samePort` it listens on the same port, so a page opened before holds a token it refuses.
   */
  restart(opts?: { samePort?: boolean }): Promise<void>;
}

/**
 * Starts the browser host built in dist/ (rebuilt first if its sources are newer, see ensure-built.ts);
 * PAYDESK_E2E_SOURCE=1 runs electron/browser-host/cli.ts through tsx instead.
 */
export async function startHost(opts: HostOptions = {}): Promise<Host> {
  const useBuilt = process.env.PAYDESK_E2E_SOURCE !== '1';
  ensureBuilt({ withHost: useBuilt });
  const ownsDir = opts.dataDir === undefined;
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'paydesk-e2e-'));
  const sandbox = opts.sandbox ?? true;
  const nodeArgs = opts.noInternet ? ['--import', NO_INTERNET] : [];
  const argvFor = (port: number) => {
    const cliArgs = ['--port', String(port), '--data-dir', dataDir, ...(sandbox ? [] : ['--sandbox', 'off']), ...(opts.args ?? [])];
    return useBuilt ? [...nodeArgs, BUILT_HOST, ...cliArgs] : [...nodeArgs, '--import', 'tsx', SOURCE_HOST, ...cliArgs];
  };

  let log = '';
  let child: ChildProcess | null = null;
  let url = '';
  let sandboxUrl: string | null = null;
  let sandboxControlToken: string | null = null;

  const launch = (port = 0) =>
    new Promise<void>((resolveStart, rejectStart) => {
      let out = '';
      const proc = spawn(process.execPath, argvFor(port), { cwd: ROOT, env: { ...process.env, NODE_ENV: 'test', FORCE_COLOR: '0' }, stdio: ['ignore', 'pipe', 'pipe'] });
      child = proc;
      const timer = setTimeout(() => {
        proc.kill('SIGKILL');
        rejectStart(new Error(`e2e: the host did not print its URL within ${START_TIMEOUT_MS / 1000}s:\n${log}`));
      }, START_TIMEOUT_MS);
      const check = () => {
        const m = /Paydesk running at (http:\/\/127\.0\.0\.1:\d+\/\S*)/.exec(out);
        const s = /Paydesk Sandbox at (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
        const t = /^SANDBOX_CONTROL_TOKEN=(\S+)$/m.exec(out);
        if (m && (!sandbox || (s && t))) {
          clearTimeout(timer);
          url = m[1]!;
          sandboxUrl = s ? s[1]! : null;
          sandboxControlToken = t ? t[1]! : null;
          resolveStart();
        }
      };
      proc.stdout.setEncoding('utf8').on('data', (c: string) => {
        out += c;
        log += c;
        check();
      });
      proc.stderr.setEncoding('utf8').on('data', (c: string) => {
        log += c;
      });
      proc.once('exit', (code, signal) => {
        clearTimeout(timer);
        if (!url || child === proc) rejectStart(new Error(`e2e: the host exited (${code ?? signal}) before it was ready:\n${log}`));
      });
    });

  const kill = async () => {
    const proc = child as ChildProcess | null;
    child = null;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise<void>((r) => proc.once('exit', () => r()));
    proc.kill('SIGTERM');
    const timeout = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 8000));
    if ((await Promise.race([exited, timeout])) === 'timeout') {
      proc.kill('SIGKILL');
      await exited;
    }
  };

  await launch();

  return {
    get url() {
      return url;
    },
    get sandboxUrl() {
      return sandboxUrl;
    },
    get sandboxControlToken() {
      return sandboxControlToken;
    },
    get origin() {
      return new URL(url).origin;
    },
    dataDir,
    output: () => log,
    async stop() {
      await kill();
      if (ownsDir) rmSync(dataDir, { recursive: true, force: true });
    },
    async restart(restartOpts = {}) {
      const port = restartOpts.samePort ? Number(new URL(url).port) : 0;
      await kill();
      url = '';
      sandboxUrl = null;
      sandboxControlToken = null;
      await launch(port);
    },
  };
}

export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-dev-shm-usage'];

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
}

export interface ConsolePage {
  page: Page;
  context: BrowserContext;
  /** console errors and uncaught page errors seen so far (CSP violations land here) */
  errors: string[];
}

/**
 * A fresh context (own cookies and storage) on the console, waiting until the shell has rendered.
 * `colorScheme` drives prefers-color-scheme (the theme toggle defaults to "match system").
 */
export async function openConsole(browser: Browser, host: Host, opts: { colorScheme?: 'light' | 'dark'; viewport?: { width: number; height: number }; path?: string } = {}): Promise<ConsolePage> {
  const context = await browser.newContext({ colorScheme: opts.colorScheme ?? 'light', viewport: opts.viewport ?? { width: 1280, height: 820 }, deviceScaleFactor: 1 });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(host.url + (opts.path ?? ''));
  await page.locator('nav[aria-label="Main"]').waitFor({ timeout: 20_000 });
  return { page, context, errors };
}

/** A host, a browser and one console page on it: what most end-to-end files start with. */
export interface ConsoleSession {
  host: Host;
  browser: Browser;
  cp: ConsolePage;
  page: Page;
  /** closes the page, the browser and the host (which deletes the data dir it created) */
  close(): Promise<void>;
}

export async function startConsoleSession(opts: { viewport?: { width: number; height: number }; host?: HostOptions } = {}): Promise<ConsoleSession> {
  const host = await startHost(opts.host);
  const browser = await launchBrowser();
  mkdirSync(SHOTS_DIR, { recursive: true });
  const cp = await openConsole(browser, host, { viewport: opts.viewport ?? { width: 1280, height: 900 } });
  cp.page.setDefaultTimeout(20_000);
  return {
    host, browser, cp, page: cp.page,
    async close() {
      await cp.context.close();
      await browser.close();
      await host.stop();
    },
  };
}

/** The embedded sandbox's control API (/__sandbox/…), with the token the host printed. */
export function sandboxControlOf(host: Host): SandboxControl {
  if (!host.sandboxUrl || !host.sandboxControlToken) throw new Error('e2e: this host runs without the sandbox');
  return sandboxControl(host.sandboxUrl, host.sandboxControlToken);
}

/** The sandbox's own test keys (GET /__sandbox/keys): STRIPE_SECRET_KEY, STRIPE_PUBLISHABLE_KEY, RAZORPAY_KEY_ID, RAZORPAY_KEY_SECRET. */
export async function sandboxKeys(host: Host): Promise<Record<'STRIPE_SECRET_KEY' | 'STRIPE_PUBLISHABLE_KEY' | 'RAZORPAY_KEY_ID' | 'RAZORPAY_KEY_SECRET', string>> {
  const res = await sandboxControlOf(host).get<Record<'STRIPE_SECRET_KEY' | 'STRIPE_PUBLISHABLE_KEY' | 'RAZORPAY_KEY_ID' | 'RAZORPAY_KEY_SECRET', string>>('/__sandbox/keys');
  if (!res.ok) throw new Error(`e2e: GET /__sandbox/keys answered ${res.status}`);
  return res.body;
}

/** Where screenshots go (looked at by people, not asserted on). */
export const SHOTS_DIR = process.env.PAYDESK_SHOTS_DIR ?? join(tmpdir(), 'shots');

/** Screenshots the page as it is now in light and dark: SHOTS_DIR/<name>-light.png and -dark.png. */
export async function shotsLightDark(page: Page, name: string, opts: { fullPage?: boolean; settleMs?: number } = {}): Promise<void> {
  const settle = opts.settleMs ?? 200;
  await page.waitForTimeout(settle);
  await page.screenshot({ path: join(SHOTS_DIR, `${name}-light.png`), fullPage: opts.fullPage });
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.waitForTimeout(settle);
  await page.screenshot({ path: join(SHOTS_DIR, `${name}-dark.png`), fullPage: opts.fullPage });
  await page.emulateMedia({ colorScheme: 'light' });
}

/** The token the page took from the printed address and sends with every call (renderer/src/api/http.ts). */
export function pageToken(page: Page): Promise<string> {
  // the callback runs in the page; this file is type-checked without the DOM lib
  return page.evaluate((key) => (globalThis as unknown as { sessionStorage: { getItem(k: string): string | null } }).sessionStorage.getItem(key) ?? '', TOKEN_STORAGE_KEY);
}

/** Calls the console's RPC from inside the page, as the renderer does (same origin, the tab's token in the header). */
export async function pageRpc<T>(page: Page, method: string, input: unknown): Promise<T> {
  const token = await pageToken(page);
  const env = await page.evaluate(
    async ([m, i, header, t]) => {
      const r = await fetch(`/rpc/${m}`, { method: 'POST', headers: { 'content-type': 'application/json', [header]: t }, body: JSON.stringify(i) });
      return (await r.json()) as { ok: boolean; value?: unknown; error?: { code: string; message: string } };
    },
    [method, input, TOKEN_HEADER, token] as const,
  );
  if (!env.ok) throw new Error(`${method}: ${env.error?.code} ${env.error?.message}`);
  return env.value as T;
}

/** Calls the console's RPC from the test itself, as the page would (the launch token in the header, same origin). */
export async function hostRpc<T>(host: Host, method: string, input: unknown): Promise<T> {
  const token = new URL(host.url).searchParams.get('token') ?? '';
  const res = await fetch(`${host.origin}/rpc/${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', [TOKEN_HEADER]: token, origin: host.origin },
    body: JSON.stringify(input),
  });
  const body = (await res.json()) as { ok: true; value: T } | { ok: false; error: { message: string } };
  if (!body.ok) throw new Error(`${method}: ${body.error.message}`);
  return body.value;
}

/** One host and one browser for the whole test file: started before its tests, stopped after them. */
export function useHostAndBrowser(opts: HostOptions = {}): { readonly host: Host; readonly browser: Browser } {
  let host: Host | undefined;
  let browser: Browser | undefined;
  beforeAll(async () => {
    mkdirSync(SHOTS_DIR, { recursive: true });
    host = await startHost(opts);
    browser = await launchBrowser();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await host?.stop();
  });
  return {
    get host() { if (!host) throw new Error('e2e: the host is not started yet'); return host; },
    get browser() { if (!browser) throw new Error('e2e: the browser is not started yet'); return browser; },
  };
}

/** POSTs to the embedded sandbox's control API (`path` starts with /__sandbox/) and returns the parsed answer. */
export async function sandboxPost<T = unknown>(host: Host, path: string, body: unknown = {}): Promise<T> {
  const res = await sandboxControlOf(host).post<T>(path, body);
  if (!res.ok) throw new Error(`sandbox ${path}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** The fields of a payment the end-to-end tests read (the full shape is PaymentSchema in shared/contract/payments.ts). */
export interface E2ePayment {
  id: string;
  orderRef: string;
  capturedMinor: number;
  refundedMinor: number;
  displayStatus: string;
  gatewayIds: { sessionId: string | null; plinkId: string | null; paymentIntentId: string | null; paymentId: string | null };
}

/**
 * A link created through the page's RPC on the given account (USD for Stripe, INR for Razorpay), paid through
 * the sandbox's control API (4242 card / success@razorpay), then caught up with links.checkStatus until captured.
 */
export async function createPaidPayment(
  page: Page,
  host: Host,
  link: { gateway: 'stripe' | 'razorpay'; accountId: string; amount: string; orderRef: string; customerName: string; description: string },
): Promise<E2ePayment> {
  const { gateway, orderRef } = link;
  const p = await pageRpc<E2ePayment>(page, 'links.create', {
    accountId: link.accountId,
    amount: link.amount,
    currency: gateway === 'stripe' ? 'USD' : 'INR',
    orderRef,
    customerName: link.customerName,
    customerEmail: `${orderRef.toLowerCase()}@example.com`,
    ...(gateway === 'razorpay' ? { customerPhone: '+919876543210' } : {}),
    description: link.description,
  });
  if (gateway === 'stripe') await sandboxPost(host, `/__sandbox/stripe/checkout/sessions/${p.gatewayIds.sessionId}/pay`);
  else await sandboxPost(host, `/__sandbox/razorpay/payment_links/${p.gatewayIds.plinkId}/pay`);
  let now = p;
  for (let i = 0; i < 40 && now.capturedMinor <= 0; i++) {
    now = await pageRpc<E2ePayment>(page, 'links.checkStatus', { id: p.id });
    if (now.capturedMinor <= 0) await new Promise((r) => setTimeout(r, 500));
  }
  if (now.capturedMinor <= 0) throw new Error(`${orderRef} was not captured`);
  return now;
}

/** The ids of the embedded sandbox's own accounts, one per gateway. */
export async function sandboxAccountIds(page: Page): Promise<{ stripe: string; razorpay: string }> {
  const accounts = await pageRpc<{ id: string; gateway: 'stripe' | 'razorpay'; sandbox: boolean }[]>(page, 'accounts.list', {});
  const of = (gateway: 'stripe' | 'razorpay') => {
    const a = accounts.find((x) => x.sandbox && x.gateway === gateway);
    if (!a) throw new Error(`no sandbox ${gateway} account`);
    return a.id;
  };
  return { stripe: of('stripe'), razorpay: of('razorpay') };
}

/**
 * Screenshots of one card (`selector`), whole, in light and dark, as `<name>-light.png` / `-dark.png`; with
 * `viewport`, the window as it is at that size instead (then back to 1280x900).
 */
export async function cardShots(page: Page, selector: string, name: string, viewport?: { width: number; height: number }): Promise<void> {
  const card = page.locator(selector);
  if (viewport) await page.setViewportSize(viewport);
  await card.evaluate((el) => (el as unknown as { scrollIntoView(o: unknown): void }).scrollIntoView({ block: 'start' }));
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await page.waitForTimeout(200);
    const path = join(SHOTS_DIR, `${name}-${scheme}.png`);
    // a card taller than the window is clipped by an element screenshot: take it from the full page
    const box = await card.boundingBox();
    const scroll = await page.evaluate(() => (globalThis as unknown as { scrollY: number }).scrollY);
    await (viewport || !box ? page.screenshot({ path }) : page.screenshot({ path, fullPage: true, clip: { x: box.x, y: box.y + scroll, width: box.width, height: box.height } }));
  }
  await page.emulateMedia({ colorScheme: 'light' });
  if (viewport) await page.setViewportSize({ width: 1280, height: 900 });
}
