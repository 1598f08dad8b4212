// The month-end export of a shop on the team database, as staff do it: a desk started on a throwaway PostgreSQL
// cluster with the embedded sandbox, a link paid and partly refunded, then on Reports: Export, and the file
// the browser downloads holds the payment and the refund in minor units. Screenshots: team-export-done-*.png.
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { startPgCluster, type PgCluster } from '../fixtures/postgres';
import { createPaidPayment, launchBrowser, openConsole, pageRpc, sandboxAccountIds, SHOTS_DIR, shotsLightDark, startHost, type ConsolePage, type Host } from './fixtures';

let cluster: PgCluster;
let host: Host;
let browser: Browser;
let cp: ConsolePage;
let page: Page;

beforeAll(async () => {
  cluster = await startPgCluster();
  const url = await cluster.createDatabase('paydesk_export_ui');
  host = await startHost({ args: ['--store', url] });
  browser = await launchBrowser();
  mkdirSync(SHOTS_DIR, { recursive: true });
  cp = await openConsole(browser, host, { viewport: { width: 1280, height: 900 } });
  page = cp.page;
  page.setDefaultTimeout(20_000);
}, 180_000);

afterAll(async () => {
  await cp?.context.close();
  await browser?.close();
  await host?.stop();
  cluster?.stop();
});

it('exports the CSV from the team database: the paid link and its refund', { timeout: 180_000 }, async () => {
  const ids = await sandboxAccountIds(page);
  const p = await createPaidPayment(page, host, { gateway: 'stripe', accountId: ids.stripe, amount: '80.00', orderRef: 'TEAM-EXP-1', customerName: 'Ravi Menon', description: 'Team export' });
  const refund = await pageRpc<{ id: string }>(page, 'refunds.create', { paymentId: p.id, amount: '12.50', requestId: 'team-exp-refund-1' });
  await expect.poll(async () => {
    const list = await pageRpc<{ items: { id: string; status: string }[] }>(page, 'refunds.list', { paymentId: p.id, limit: 10, offset: 0 });
    return list.items.find((r) => r.id === refund.id)?.status;
  }, { timeout: 30_000 }).toBe('succeeded');

  await pageRpc(page, 'reports.settings.set', { timeZone: 'UTC' });
  await page.evaluate("location.hash = '#/reports'");
  await page.getByRole('heading', { level: 1, name: 'Reports' }).waitFor();
  const exportCard = page.locator('#export');
  const downloaded = page.waitForEvent('download', { timeout: 60_000 });
  await exportCard.getByRole('button', { name: 'Export' }).click();
  const download = await downloaded;
  const file = join(SHOTS_DIR, 'team-export.csv');
  await download.saveAs(file);
  await exportCard.getByText(/Exported \d+ rows/).waitFor();
  await exportCard.scrollIntoViewIfNeeded();
  await shotsLightDark(page, 'team-export-done');

  const rows = parse(readFileSync(file), { bom: true, columns: true }) as Record<string, string>[];
  const ours = rows.filter((r) => r.order_ref === 'TEAM-EXP-1');
  expect(ours.map((r) => [r.type, r.gross_minor])).toEqual([['payment', '8000'], ['refund', '-1250']]);
  expect(ours[0]).toMatchObject({ paydesk_id: p.id, mode: 'test', currency: 'USD' });
});
