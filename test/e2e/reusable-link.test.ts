// A reusable Stripe Payment Link paid by two customers, as the merchant and the accountant meet it, in
// Chromium against browser mode + the embedded Paydesk Sandbox: two customers pay on the hosted page; the
// console shows two payments, each with its customer; each is refunded on its own from its drawer (one in
// part, one in full), and the Stripe preset of the export has one charge row per payment whose source_id,
// balance transaction, amount and fee are the sandbox's own charges, plus the two refunds.
// Screenshots: SHOTS_DIR/reusable-{payments,refund}-{light,dark}.png.
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Browser, Locator } from 'playwright-core';
import type { PaymentDetail } from '../../shared/contract';
import { openPaymentDrawer, payOnStripePage, untilPayment } from './payment-steps';
import { launchBrowser, openConsole, pageRpc, sandboxAccountIds, sandboxKeys, SHOTS_DIR, shotsLightDark, startHost, type ConsolePage, type Host } from './fixtures';

const UI_TIMEOUT = 20_000;
let host: Host;
let browser: Browser;
let c: ConsolePage;

beforeAll(async () => {
  mkdirSync(SHOTS_DIR, { recursive: true });
  host = await startHost();
  browser = await launchBrowser();
  c = await openConsole(browser, host, { path: '#/payments', viewport: { width: 1366, height: 850 } });
  c.page.setDefaultTimeout(UI_TIMEOUT);
}, 120_000);

afterAll(async () => {
  await c?.page.screenshot({ path: join(SHOTS_DIR, 'reusable-last-state.png') }).catch(() => undefined);
  await c?.context.close();
  await browser?.close();
  await host?.stop();
});

const rpc = <T>(method: string, input: unknown): Promise<T> => pageRpc<T>(c.page, method, input);

/** refunds `amount` (empty: what is left) from the payment's drawer, through the review step */
async function refundFromDrawer(drawer: Locator, amount: string | null): Promise<void> {
  const panel = drawer.locator('section.refund-panel');
  await panel.getByRole('button', { name: 'Refund', exact: true }).click();
  const dialog = c.page.getByRole('dialog', { name: /^(Refund payment|Confirm the refund)$/ });
  await dialog.getByRole('heading', { name: 'Refund payment' }).waitFor();
  if (amount !== null) await dialog.getByLabel(/Amount to refund/).fill(amount);
  await dialog.getByRole('button', { name: 'Review refund' }).click();
  await dialog.getByRole('heading', { name: 'Confirm the refund' }).waitFor();
  await dialog.getByTestId('confirm-refund').click();
  await dialog.waitFor({ state: 'hidden' });
}

interface SbCharge { id: string; payment_intent: string; amount: number; balance_transaction: { id: string; fee: number; net: number } }

it('two customers pay one reusable link: two payments, each refunded on its own, two charge rows matching the charges', { timeout: 300_000 }, async () => {
  const ids = await sandboxAccountIds(c.page);
  const link = await rpc<{ id: string; url: string; reference: string }>('links.create', {
    accountId: ids.stripe, mode: 'test', kind: 'payment_link', amount: '40.00', currency: 'USD', orderRef: 'E2E-CLASS-PASS', description: 'Class pass',
  });
  const customer = await c.context.newPage();
  await payOnStripePage(customer, link.url, '4242 4242 4242 4242', 'Asha Rao');
  // the first payment must be through before the page is reused: going to the link again would cancel its submit
  await untilPayment(c.page, link.id, (d) => d.payments.length === 1, 'the first payment through the link');
  await payOnStripePage(customer, link.url, '4242 4242 4242 4242', 'Bilal Khan');
  await customer.close();
  const detail = await untilPayment(c.page, link.id, (d) => d.payments.length === 2 && d.payments.every((p) => p.status === 'paid'), 'two paid payments');
  const byName = new Map(detail.payments.map((p) => [p.customerName, p]));
  expect([...byName.keys()].sort()).toEqual(['Asha Rao', 'Bilal Khan']);

  // the Payments list shows both, each with its customer, under the link's reference
  await c.page.evaluate(`window.location.hash = '#/payments'`);
  for (const name of ['Asha Rao', 'Bilal Khan']) await c.page.getByRole('row').filter({ hasText: name }).first().waitFor();
  await shotsLightDark(c.page, 'reusable-payments');

  // each refunded on its own: Asha in part, Bilal in full
  const asha = byName.get('Asha Rao')!;
  const bilal = byName.get('Bilal Khan')!;
  await refundFromDrawer(await openPaymentDrawer(c.page, asha.id, UI_TIMEOUT), '15.00');
  await shotsLightDark(c.page, 'reusable-refund');
  await refundFromDrawer(await openPaymentDrawer(c.page, bilal.id, UI_TIMEOUT), null);
  await untilPayment(c.page, asha.id, (d) => d.payment.refundedMinor === 1500, "Asha's refund");
  await untilPayment(c.page, bilal.id, (d) => d.payment.refundedMinor === 4000, "Bilal's refund");
  expect((await rpc<PaymentDetail>('payments.get', { id: link.id })).payment).toMatchObject({ capturedMinor: 0, refundedMinor: 0, linkState: 'open' });

  // the sandbox's charges, as Stripe's own report would list them
  const keys = await sandboxKeys(host);
  const res = await fetch(`${host.sandboxUrl}/v1/charges?limit=100&expand[]=data.balance_transaction`, { headers: { authorization: `Bearer ${keys.STRIPE_SECRET_KEY}` } });
  const charges = ((await res.json()) as { data: SbCharge[] }).data.filter((ch) => ch.payment_intent === asha.gatewayIds.paymentId || ch.payment_intent === bilal.gatewayIds.paymentId);
  expect(charges).toHaveLength(2);
  // the fees reach Paydesk with the settlements refresh
  await rpc('reports.refresh', { mode: 'test' });
  for (const p of [asha, bilal]) await untilPayment(c.page, p.id, (d) => d.payment.feeMinor !== null, 'the fee');

  await c.page.evaluate(`window.location.hash = '#/reports'`);
  const exportCard = c.page.locator('#export');
  await exportCard.waitFor();
  await c.page.locator('#export select').selectOption({ label: 'Stripe: balance change from activity' });
  await exportCard.getByLabel('For Excel').uncheck();
  const dl = c.page.waitForEvent('download', { timeout: 60_000 });
  await exportCard.getByRole('button', { name: 'Export' }).click();
  const file = join(SHOTS_DIR, 'reusable-stripe-balance.csv');
  await (await dl).saveAs(file);
  const rows = parse(readFileSync(file), { columns: true }) as Record<string, string>[];
  const chargeRows = rows.filter((r) => r.reporting_category === 'charge' && charges.some((ch) => ch.id === r.source_id));
  expect(chargeRows).toHaveLength(2);
  for (const ch of charges) {
    const row = chargeRows.find((r) => r.source_id === ch.id)!;
    expect(row).toMatchObject({
      balance_transaction_id: ch.balance_transaction.id, gross: '40.00', currency: 'usd',
      fee: (ch.balance_transaction.fee / 100).toFixed(2), net: (ch.balance_transaction.net / 100).toFixed(2), fee_status: 'known',
    });
    expect(row.available_on).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
  }
  expect(new Set(chargeRows.map((r) => r.customer_name))).toEqual(new Set(['Asha Rao', 'Bilal Khan']));
  const refundRows = rows.filter((r) => r.reporting_category === 'refund' && ['-15.00', '-40.00'].includes(r.gross ?? ''));
  expect(refundRows.map((r) => r.gross).sort()).toEqual(['-15.00', '-40.00']);
  expect(c.errors.filter((e) => !/favicon/.test(e))).toEqual([]);
});
