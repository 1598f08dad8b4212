// Reconciliation and export, end to end in Chromium against browser mode + the embedded Paydesk Sandbox:
//   pay and partly refund a link on each gateway (RPC from the page + the sandbox's control API), move the
//   sandbox clock so Stripe funds become available, run a Stripe payout and a Razorpay settlement, then on
//   the Reports screen: Refresh, see both matched, open the drill-down, export the Paydesk preset (Excel BOM)
//   and check the downloaded file against the summary; export the two gateway presets and check their
//   columns are exactly the documented ones (columns.ts, which a unit test ties to docs/export-columns.md).
// Screenshots (light + dark) go to SHOTS_DIR.
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { PRESETS } from '../../electron/core/reports/columns';
import type { Summary } from '../../shared/contract';
import { TOKEN_HEADER } from '../../shared/browser-auth';
import { launchBrowser, openConsole, SHOTS_DIR, shotsLightDark, startHost, type ConsolePage, type Host, pageRpc, pageToken, sandboxPost, createPaidPayment, type E2ePayment, sandboxAccountIds } from './fixtures';

let host: Host;
let browser: Browser;
let cp: ConsolePage;
let page: Page;
const ids = { stripe: '', razorpay: '' };

type PaymentLite = E2ePayment;

const rpc = <T>(method: string, input: unknown): Promise<T> => pageRpc<T>(page, method, input);

const sandbox = (path: string, body: unknown = {}): Promise<unknown> => sandboxPost(host, path, body);

const paidPayment = (gateway: 'stripe' | 'razorpay', amount: string, orderRef: string): Promise<PaymentLite> =>
  createPaidPayment(page, host, { gateway, accountId: ids[gateway], amount, orderRef, customerName: 'Asha Rao', description: 'E2E reports' });

async function refundPart(p: PaymentLite, amount: string): Promise<void> {
  const r = await rpc<{ id: string; status: string }>('refunds.create', { paymentId: p.id, amount, requestId: `e2e-${p.orderRef}-${Date.now()}` });
  for (let i = 0; i < 40; i++) {
    const list = await rpc<{ items: { id: string; status: string }[] }>('refunds.list', { paymentId: p.id, limit: 10, offset: 0 });
    const now = list.items.find((x) => x.id === r.id);
    if (now?.status === 'succeeded') return;
    if (i % 4 === 3) await rpc('refunds.sync', {}).catch(() => undefined);
    await new Promise((res) => setTimeout(res, 500));
  }
  throw new Error(`refund of ${p.orderRef} did not succeed`);
}

const shots = (name: string): Promise<void> => shotsLightDark(page, `reports-${name}`, { fullPage: true });

/** the latency of the slow connection that shows a real export running */
const SLOW_MS = 5_000;

const dayIn = (tz: string, ms: number) => new Intl.DateTimeFormat('en-CA', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(ms));

beforeAll(async () => {
  host = await startHost();
  browser = await launchBrowser();
  mkdirSync(SHOTS_DIR, { recursive: true });
  cp = await openConsole(browser, host, { viewport: { width: 1280, height: 900 } });
  page = cp.page;
  page.setDefaultTimeout(20_000);
  // the embedded sandbox's own accounts (one per gateway): a second account on the same sandbox keys would
  // see the same payouts and, rightly, report them as not created there (external)
  Object.assign(ids, await sandboxAccountIds(page));
}, 180_000);

afterAll(async () => {
  await page?.screenshot({ path: join(SHOTS_DIR, 'reports-last-state.png') }).catch(() => undefined);
  await cp?.context.close();
  await browser?.close();
  await host?.stop();
});

it('pays, refunds, pays out and settles on both gateways; Reports matches them and the export adds up', { timeout: 240_000 }, async () => {
  // ---- money moves
  const sp = await paidPayment('stripe', '100.00', 'REP-S-1');
  const rp = await paidPayment('razorpay', '500.00', 'REP-R-1');
  await refundPart(sp, '30.00');
  await refundPart(rp, '100.00');
  // Razorpay settles at once; Stripe pays out only funds that became available (2 days of sandbox time)
  await sandbox('/__sandbox/razorpay/settlements', { currency: 'INR' });
  await sandbox('/__sandbox/clock/advance', { seconds: 3 * 86_400 });
  await sandbox('/__sandbox/stripe/payouts', { currency: 'usd' });

  // ---- the Reports screen: UTC days, a range that holds both the payments and the payouts 3 days later
  await rpc('reports.settings.set', { timeZone: 'UTC' });
  const now = Date.now();
  const from = dayIn('UTC', now - 86_400_000);
  const to = dayIn('UTC', now + 6 * 86_400_000);
  await page.evaluate("location.hash = '#/reports'");
  await page.getByRole('heading', { level: 1, name: 'Reports' }).waitFor();
  await page.locator('label.segment', { hasText: 'Custom' }).click();
  await page.getByLabel('From', { exact: true }).fill(from);
  await page.getByLabel('To', { exact: true }).fill(to);
  await page.getByRole('button', { name: 'Refresh' }).click();

  const settlements = page.locator('#settlements');
  const rows = settlements.locator('button.stable-row');
  await expect.poll(() => rows.count(), { timeout: 60_000 }).toBe(2);
  await expect.poll(async () => (await settlements.locator('.card-description').textContent()) ?? '', { timeout: 30_000 }).toMatch(/2 in this period · 4 items matched · 0 unmatched/);
  for (const r of await rows.all()) await r.getByText('2 matched').waitFor();

  // the totals per currency, from the same query the screen shows
  const summary = await rpc<Summary>('reports.summary', { mode: 'test', from, to });
  const usd = summary.currencies.find((c) => c.currency === 'USD')!;
  const inr = summary.currencies.find((c) => c.currency === 'INR')!;
  expect(usd.grossMinor).toBe(10_000);
  expect(usd.refundsMinor).toBe(3_000);
  expect(inr.grossMinor).toBe(50_000);
  expect(inr.refundsMinor).toBe(10_000);
  expect(usd.pendingMinor).toBe(usd.netMinor - usd.settledMinor);
  const usdCard = page.locator('article.totals-card[data-currency="USD"]');
  expect(await usdCard.locator('.totals-row.is-strong .money').getAttribute('data-minor')).toBe(String(usd.netMinor));
  await page.locator('#daily-net .recharts-bar-rectangle').first().waitFor();
  await shots('screen');

  // ---- drill-down: the Stripe payout lists the charge and the refund, each linked and matched
  await rows.filter({ hasText: /po_/ }).first().click();
  const drawer = page.getByRole('dialog', { name: /^Payout po_/ });
  await drawer.waitFor();
  await expect.poll(() => drawer.locator('li.sitem[data-matched="true"]').count()).toBe(2);
  await drawer.getByRole('link', { name: 'Payment REP-S-1' }).waitFor();
  await shots('drilldown');
  await drawer.getByRole('button', { name: 'Close' }).click();

  // ---- export: the Paydesk preset with the Excel BOM, downloaded by the browser
  const exportCard = page.locator('#export');
  await exportCard.getByLabel('For Excel').check();
  const downloadP = page.waitForEvent('download', { timeout: 60_000 });
  await exportCard.getByRole('button', { name: 'Export' }).click();
  const download = await downloadP;
  expect(download.suggestedFilename()).toBe(`paydesk-test-${from}_${to}.csv`);
  const file = join(SHOTS_DIR, 'reports-export.csv');
  await download.saveAs(file);
  await exportCard.getByText(/Exported \d+ rows/).waitFor();
  await exportCard.scrollIntoViewIfNeeded();
  await shots('export-done');

  const bytes = readFileSync(file);
  expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  const records = parse(bytes, { bom: true, columns: true }) as Record<string, string>[];
  expect(Object.keys(records[0]!)).toEqual(PRESETS.paydesk.columns.map((c) => c.name));
  for (const cur of [usd, inr]) {
    const mine = records.filter((r) => r.currency === cur.currency);
    const sum = (rs: Record<string, string>[], col: string) => rs.reduce((n, r) => n + Number(r[col] || 0), 0);
    const movements = mine.filter((r) => r.type !== 'payout');
    expect(sum(mine.filter((r) => r.type === 'payment'), 'gross_minor'), `${cur.currency} gross`).toBe(cur.grossMinor);
    expect(-sum(mine.filter((r) => r.type === 'refund'), 'gross_minor'), `${cur.currency} refunds`).toBe(cur.refundsMinor);
    expect(sum(movements, 'net_minor'), `${cur.currency} net`).toBe(cur.netMinor);
    expect(sum(movements, 'fee_minor'), `${cur.currency} fees`).toBe(cur.feesMinor);
    expect(-sum(mine.filter((r) => r.type === 'payout'), 'gross_minor'), `${cur.currency} paid out`).toBe(summary.settlements.filter((s) => s.currency === cur.currency).reduce((n, s) => n + s.amountMinor, 0));
    // the major-unit columns say the same as the minor ones
    for (const r of mine) expect(Math.round(Number(r.gross) * 100)).toBe(Number(r.gross_minor));
    // every row of this currency is linked to its payout or settlement
    for (const r of movements) expect(r.payout_or_settlement_id, `${r.type} ${r.paydesk_id}`).toMatch(/^(po_|setl_)/);
  }

  // the file was deleted once downloaded: a second fetch is refused
  // (the link's one-time ticket is used up: ask with the page's token header instead)
  const again = await page.evaluate(
    async ([u, header, t]) => (await fetch(u, { headers: { [header]: t } })).status,
    [new URL(download.url()).pathname, TOKEN_HEADER, await pageToken(page)] as const,
  );
  expect(again).toBe(410);

  // ---- the two gateway presets carry exactly the documented columns
  for (const [preset, gateway, label] of [
    ['stripe_balance', 'stripe', 'Stripe: balance change from activity'],
    ['razorpay_recon', 'razorpay', 'Razorpay: settlement recon'],
  ] as const) {
    await page.locator('#export select').selectOption({ label });
    await exportCard.getByLabel('For Excel').uncheck();
    const dl = page.waitForEvent('download', { timeout: 60_000 });
    await exportCard.getByRole('button', { name: 'Export' }).click();
    const d = await dl;
    const path = join(SHOTS_DIR, `reports-export-${preset}.csv`);
    await d.saveAs(path);
    const recs = parse(readFileSync(path), { columns: false }) as string[][];
    expect(recs[0]).toEqual(PRESETS[preset].columns.map((c) => c.name));
    expect(recs.length, `${preset} rows`).toBeGreaterThan(1);
    const gw = gateway === 'stripe' ? 'usd' : 'INR';
    expect(recs.slice(1).every((r) => r.join(',').includes(gw)), `${preset} holds ${gateway} rows only`).toBe(true);
  }

  // ---- the progress state of a real export. A few rows export in milliseconds, so the page talks to the host
  // over a slow connection (Chromium's network emulation: each request waits SLOW_MS): the answer to Export
  // comes after the export has finished, and the page shows it running until its status call comes back.
  await page.locator('#export select').selectOption({ label: 'Paydesk (both gateways)' });
  const network = await cp.context.newCDPSession(page);
  await network.send('Network.enable');
  const latency = (ms: number) => network.send('Network.emulateNetworkConditions', { offline: false, latency: ms, downloadThroughput: -1, uploadThroughput: -1 });
  await latency(SLOW_MS);
  const downloaded = page.waitForEvent('download', { timeout: 60_000 });
  await exportCard.getByRole('button', { name: 'Export' }).click();
  await exportCard.getByRole('progressbar').waitFor({ timeout: 30_000 });
  await exportCard.scrollIntoViewIfNeeded();
  await shots('export-progress');
  await latency(0);
  await downloaded;
  await exportCard.getByText(/Exported \d+ rows/).waitFor();
  await network.detach();

  // only the deliberate second download (410) may have been logged
  expect(cp.errors.filter((e) => !/favicon|status of 410|status of 404/.test(e))).toEqual([]);
});
