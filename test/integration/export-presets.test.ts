// The accountant's CSV presets against docs/export-columns.md: each preset's header is the documented
// column list (names, order, text/number kind), and every cell of every exported row is written in the
// documented unit (minor units or a decimal string with the currency's decimals, UTC or the merchant's time
// zone, which date format). The rows come from a real SQLite file with every migration; the payments are
// paid through the real normalizers and the one fold (gateway event -> facts -> saveState), so a Stripe
// charge's balance transaction, its available-on time and the method reach the columns the way they do in
// the app, and a payment whose fee the gateway has not reported yet gives empty fee cells, never 0.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { normalizeRazorpay } from '../../electron/core/gateways/razorpay/webhooks-normalize';
import type { RazorpayWebhookEvent } from '../../electron/core/gateways/razorpay/types';
import { normalizeStripe } from '../../electron/core/gateways/stripe/webhooks-normalize';
import type { NormalizedEvent } from '../../electron/core/gateways/facts';
import { applyFacts } from '../../electron/core/payments/apply';
import { PRESETS, type PresetId } from '../../electron/core/reports/columns';
import { startExport, type ExportFilters } from '../../electron/core/reports/export';
import { ledgerRepo } from '../../electron/core/store/repos/ledger';
import { paymentsRepo } from '../../electron/core/store/repos/payments';
import { sqliteSql } from '../../electron/core/store/sql';
import { currencyExponent, toMajorString } from '../../shared/money';
import { createReportDb, insertAccount, insertPayment, insertRefund, insertSettlement, insertSettlementItem, type Db } from '../fixtures/report-schema';

const dir = mkdtempSync(path.join(os.tmpdir(), 'paydesk-presets-'));
const dbPath = path.join(dir, 'paydesk.db');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const IST = 'Asia/Kolkata';
const IST_OFFSET_MS = 330 * 60_000;
const ist = (d: number, h: number, mi = 0): number => Date.UTC(2024, 2, d, h, mi) - IST_OFFSET_MS;
const MARCH: ExportFilters = { from: '2024-03-01', to: '2024-03-31', mode: 'test' };
const AVAILABLE_S = Date.UTC(2024, 2, 12) / 1000; // Stripe's available_on: midnight UTC, in seconds

// ---- the documented columns ------------------------------------------------------------------------
interface DocColumn { name: string; kind: string; unit: string }
const md = readFileSync(path.join(__dirname, '../../docs/export-columns.md'), 'utf8');
const sections = md.split(/^## /m).slice(1);
const UNITS = [...(sections.find((s) => s.startsWith('Units'))?.matchAll(/^\| `([^`]+)`(?: \/ `([^`]+)`)? \|/gm) ?? [])].flatMap((m) => [m[1]!, m[2]].filter((u): u is string => !!u));

function documented(id: PresetId): DocColumn[] {
  const section = sections.find((s) => s.startsWith(`Preset \`${id}\``));
  if (!section) throw new Error(`docs/export-columns.md has no section for preset ${id}`);
  return [...section.matchAll(/^\| `([^`]+)` \| (text|number) \| `([^`]+)` \|/gm)].map((m) => ({ name: m[1]!, kind: m[2]!, unit: m[3]! }));
}

// ---- the data: paid through the normalizers and the fold ---------------------------------------------
const T = (ms: number) => Math.floor(ms / 1000);
const stripeEvent = (type: string, created: number, object: Record<string, unknown>): Stripe.Event =>
  ({ id: `evt_${type}_${created}`, object: 'event', created, livemode: false, data: { object }, type }) as unknown as Stripe.Event;
const rzEvent = (event: string, created: number, payload: Record<string, unknown>): RazorpayWebhookEvent =>
  ({ entity: 'event', account_id: 'acc_x', event, contains: Object.keys(payload), payload, created_at: created }) as unknown as RazorpayWebhookEvent;

function fold(db: Db, accountId: string, n: NormalizedEvent, now: number): void {
  const repo = paymentsRepo(sqliteSql(db));
  const row = repo.findStateForRef(accountId, n.ref!);
  if (!row) throw new Error(`no payment for ${JSON.stringify(n.ref)}`);
  applyFacts(repo, row, n.events, { source: 'webhook', gatewayType: n.type, now, ids: n.ref!.ids });
}

const charge = (id: string, paydeskId: string, pi: string, bt: Record<string, unknown> | string, created: number) => ({
  id, object: 'charge', amount: 2500, amount_captured: 2500, captured: true, created, currency: 'usd', payment_intent: pi,
  metadata: { paydesk_id: paydeskId }, payment_method_details: { type: 'card', card: { brand: 'visa', last4: '4242' } },
  balance_transaction: bt, refunds: { object: 'list', data: [] },
});
const rzPayment = (id: string, paydeskId: string, over: Record<string, unknown>) => ({
  id, entity: 'payment', amount: 50000, currency: 'INR', status: 'captured', order_id: `order_${id}`, captured: true, notes: { paydesk_id: paydeskId },
  fee: 1180, tax: 180, created_at: 0, ...over,
});

beforeAll(() => {
  const db = createReportDb(dbPath);
  insertAccount(db, { id: 'acc_st', gateway: 'stripe', mode: 'test', label: 'Stripe Test' });
  insertAccount(db, { id: 'acc_rz', gateway: 'razorpay', mode: 'test', label: 'Razorpay Test' });
  const stripe = { account_id: 'acc_st', gateway: 'stripe', livemode: 0, amount_minor: 2500, currency: 'USD', status: 'open', paid_at: null } as const;
  const rzp = { account_id: 'acc_rz', gateway: 'razorpay', livemode: 0, amount_minor: 50000, currency: 'INR', status: 'open', paid_at: null } as const;

  // Stripe, fee known: charge.succeeded with its balance transaction expanded (id, fee, net, available_on)
  insertPayment(db, { ...stripe, id: 'p_known', order_ref: 'ORD-3001', customer_name: 'Asha Rao', customer_email: 'asha@example.com', session_id: 'cs_known', created_at: ist(5, 9) });
  const bt = { id: 'txn_known', object: 'balance_transaction', fee: 103, net: 2397, available_on: AVAILABLE_S };
  fold(db, 'acc_st', normalizeStripe(stripeEvent('charge.succeeded', T(ist(5, 10)), charge('ch_known', 'p_known', 'pi_known', bt, T(ist(5, 10))))), ist(5, 10));
  // Stripe, fee not reported yet: the Checkout Session says paid, no balance transaction read yet
  insertPayment(db, { ...stripe, id: 'p_pending', order_ref: 'ORD-3002', gateway_ref: 'ORD-3002/2', customer_name: 'Ravi K', session_id: 'cs_pending', created_at: ist(6, 9) });
  fold(db, 'acc_st', normalizeStripe(stripeEvent('checkout.session.completed', T(ist(6, 10)), {
    id: 'cs_pending', object: 'checkout.session', amount_total: 2500, client_reference_id: 'p_pending', metadata: { paydesk_id: 'p_pending' },
    payment_intent: 'pi_pending', payment_link: null, payment_status: 'paid', status: 'complete',
  })), ist(6, 10));

  // Razorpay UPI, fee known with the captured payment
  insertPayment(db, { ...rzp, id: 'p_upi', order_ref: 'ORD-3003', customer_name: 'Meera S', created_at: ist(7, 9) });
  fold(db, 'acc_rz', normalizeRazorpay(rzEvent('payment.captured', T(ist(7, 10)), { payment: { entity: rzPayment('pay_UPI', 'p_upi', { method: 'upi' }) } })), ist(7, 10));
  // Razorpay netbanking, captured but no fee in the payment yet
  insertPayment(db, { ...rzp, id: 'p_rz_pending', order_ref: 'ORD-3004', created_at: ist(8, 9) });
  fold(db, 'acc_rz', normalizeRazorpay(rzEvent('payment.captured', T(ist(8, 10)), { payment: { entity: rzPayment('pay_NB', 'p_rz_pending', { method: 'netbanking', fee: null, tax: null }) } })), ist(8, 10));

  // a reusable link paid by two customers: the link's row (no money of its own) and one row per payment
  insertPayment(db, { ...stripe, id: 'p_link', kind: 'stripe_payment_link', order_ref: 'ORD-LINK', reusable: 1, plink_id: 'plink_R', status: 'open', paid_at: ist(9, 9), captured_minor: 0 });
  for (const [i, name] of [[1, 'First Buyer'], [2, 'Second Buyer']] as const) {
    insertPayment(db, {
      ...stripe, id: `p_child${i}`, order_ref: 'ORD-LINK', parent_id: 'p_link', status: 'paid', paid_at: ist(9, 10 + i), customer_name: name,
      charge_id: `ch_c${i}`, payment_intent_id: `pi_c${i}`, gateway_payment_id: `pi_c${i}`, fee_minor: 103, net_minor: 2397, tax_minor: 0,
      method: 'card', balance_txn_id: `txn_c${i}`, available_on: AVAILABLE_S * 1000 + i * 86_400_000,
    });
  }

  // a Stripe refund of the known payment, its balance transaction in the ledger; a payout of the first child
  insertRefund(db, { id: 'r_known', payment_id: 'p_known', account_id: 'acc_st', gateway: 'stripe', livemode: 0, gateway_payment_id: 'pi_known', gateway_refund_id: 're_known', amount_minor: 500, currency: 'USD', reason: 'requested_by_customer', created_at: ist(15, 12) });
  ledgerRepo(sqliteSql(db)).upsert('acc_st', false, {
    id: 'txn_refund', type: 'refund', category: 'refund', sourceId: 're_known', chargeId: 'ch_known', paymentIntentId: 'pi_known', refundId: 're_known', paydeskId: null,
    currency: 'USD', amount: -500, fee: 0, tax: 0, net: -500, feeDetails: '[]', exchangeRate: null, status: 'pending', payoutId: null, createdAt: ist(15, 12), availableOn: Date.UTC(2024, 2, 16),
  });
  insertSettlement(db, { id: 's_po', account_id: 'acc_st', gateway: 'stripe', livemode: 0, gateway_settlement_id: 'po_1', currency: 'USD', amount_minor: 2397, status: 'paid', created_at: ist(20, 8), arrival_at: ist(21, 5, 30) });
  insertSettlementItem(db, { settlement_id: 's_po', kind: 'payment', payment_id: 'p_child1', gateway_txn_id: 'txn_c1', amount_minor: 2500, fee_minor: 103, net_minor: 2397 });
  // a Razorpay settlement of the UPI payment
  insertSettlement(db, { id: 's_rz', account_id: 'acc_rz', gateway: 'razorpay', livemode: 0, gateway_settlement_id: 'setl_1', currency: 'INR', amount_minor: 48820, fee_minor: 1180, tax_minor: 180, utr: 'UTR42', status: 'processed', created_at: ist(22, 10) });
  insertSettlementItem(db, { settlement_id: 's_rz', kind: 'payment', payment_id: 'p_upi', gateway_txn_id: 'pay_UPI', amount_minor: 50000, fee_minor: 1180, tax_minor: 180, net_minor: 48820 });
  insertSettlementItem(db, { settlement_id: 's_rz', kind: 'adjustment', gateway_txn_id: 'adj_1', amount_minor: -100, net_minor: -100, created_at: ist(22, 9) });
  insertRefund(db, { id: 'r_upi', payment_id: 'p_upi', account_id: 'acc_rz', gateway: 'razorpay', livemode: 0, gateway_payment_id: 'pay_UPI', gateway_refund_id: 'rfnd_1', amount_minor: 10000, currency: 'INR', status: 'pending', speed: 'normal', created_at: ist(25, 15) });
  db.close();
});

let n = 0;
async function exportCsv(preset: PresetId): Promise<{ header: string[]; rows: Record<string, string>[] }> {
  const outPath = path.join(dir, `${preset}-${++n}.csv`);
  await startExport({ dbPath, outPath, preset, filters: MARCH, timeZone: IST }).done;
  const [header = [], ...records] = parse(readFileSync(outPath), { bom: true }) as string[][];
  return { header, rows: records.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i]!]))) };
}

// ---- units -----------------------------------------------------------------------------------------
const DATETIME = /^(\d{4})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d)$/;
const plainMs = (v: string): number => {
  const m = DATETIME.exec(v)!;
  return Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!);
};

/** what is wrong with `value` as a cell of `unit` in this row, or null */
function unitError(unit: string, name: string, value: string, row: Record<string, string>, header: readonly string[]): string | null {
  if (unit.startsWith('enum: ')) return unit.slice(6).split(', ').includes(value) ? null : `not one of ${unit.slice(6)}`;
  if (unit === 'empty') return value === '' ? null : 'should always be empty';
  if (value === '') return null;
  switch (unit) {
    case 'text':
      return null;
    case 'json':
      return typeof JSON.parse(value) === 'object' ? null : 'not a JSON object';
    case 'currency-upper':
      return /^[A-Z]{3}$/.test(value) ? null : 'not an upper-case ISO 4217 code';
    case 'currency-lower':
      return /^[a-z]{3}$/.test(value) ? null : 'not a lower-case ISO 4217 code';
    case 'decimal-major': {
      const decimals = currencyExponent((row.currency ?? '').toUpperCase());
      const re = decimals === 0 ? /^-?\d+$/ : new RegExp(`^-?\\d+\\.\\d{${decimals}}$`);
      return re.test(value) ? null : `not major units with ${decimals} decimals`;
    }
    case 'integer-minor':
      return /^-?\d+$/.test(value) ? null : 'not an integer of minor units';
    case 'iso-utc':
      return /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/.test(value) ? null : 'not ISO 8601 UTC';
    case 'iso-local':
      return /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+05:30$/.test(value) ? null : 'not ISO 8601 with the merchant offset';
    case 'datetime-utc':
      return DATETIME.test(value) ? null : 'not YYYY-MM-DD HH:MM:SS';
    case 'datetime-local': {
      if (!DATETIME.test(value)) return 'not YYYY-MM-DD HH:MM:SS';
      // the same instant as its *_utc sibling, in the merchant's zone
      const utc = row[`${name}_utc`];
      if (header.includes(`${name}_utc`) && utc && plainMs(value) - plainMs(utc) !== IST_OFFSET_MS) return `not ${name}_utc in ${IST}`;
      return null;
    }
    case 'unix-seconds':
      return /^\d{10}$/.test(value) ? null : 'not Unix seconds';
    default:
      return `unknown unit ${unit}`;
  }
}

describe('each preset against docs/export-columns.md', () => {
  for (const id of Object.keys(PRESETS) as PresetId[]) {
    it(`${id}: the header, kinds and units of every cell are the documented ones`, async () => {
      const doc = documented(id);
      expect(doc.length).toBeGreaterThan(20);
      for (const c of doc) expect(UNITS, `unit of ${c.name} is in the Units table`).toContain(c.unit.startsWith('enum: ') ? 'enum: a, b, …' : c.unit);
      expect(PRESETS[id].columns.map((c) => [c.name, c.kind])).toEqual(doc.map((c) => [c.name, c.kind]));
      const { header, rows } = await exportCsv(id);
      expect(header).toEqual(doc.map((c) => c.name));
      expect(rows.length).toBeGreaterThan(3);
      const errors: string[] = [];
      for (const row of rows) {
        for (const c of doc) {
          const e = unitError(c.unit, c.name, row[c.name]!, row, header);
          if (e) errors.push(`${c.name}=${JSON.stringify(row[c.name])} (${row.paydesk_id ?? row.source_id ?? row.entity_id}): ${e}`);
        }
      }
      expect(errors).toEqual([]);
    });
  }
});

describe('fees, balance transactions and methods in the presets', () => {
  it('Stripe: the charge carries its balance transaction and available-on; a fee not yet known is empty and pending', async () => {
    const { rows } = await exportCsv('stripe_balance');
    const known = rows.find((r) => r.charge_id === 'ch_known')!;
    expect(known).toMatchObject({
      balance_transaction_id: 'txn_known', available_on_utc: '2024-03-12 00:00:00', available_on: '2024-03-12 05:30:00',
      gross: '25.00', fee: '1.03', net: '23.97', payment_method_type: 'card', fee_status: 'known', customer_name: 'Asha Rao', reporting_category: 'charge',
    });
    const pending = rows.find((r) => r['payment_metadata[paydesk_id]'] === 'p_pending' && r.reporting_category === 'charge')!;
    expect(pending).toMatchObject({ gross: '25.00', fee: '', net: '', fee_status: 'pending', balance_transaction_id: '', available_on: '' });
    const refund = rows.find((r) => r.source_id === 're_known')!;
    expect(refund).toMatchObject({ balance_transaction_id: 'txn_refund', available_on_utc: '2024-03-16 00:00:00', gross: '-5.00', fee: '0.00', fee_status: 'known' });
  });

  it('a reusable link paid twice gives two rows, one per charge; the link itself gives none', async () => {
    const stripe = await exportCsv('stripe_balance');
    const charges = stripe.rows.filter((r) => r['payment_metadata[order_ref]'] === 'ORD-LINK');
    expect(charges.map((r) => [r.source_id, r.balance_transaction_id, r.customer_name, r.gross])).toEqual([
      ['ch_c1', 'txn_c1', 'First Buyer', '25.00'],
      ['ch_c2', 'txn_c2', 'Second Buyer', '25.00'],
    ]);
    expect(charges[0]).toMatchObject({ automatic_payout_id: 'po_1', available_on_utc: '2024-03-13 00:00:00' });
    const unified = await exportCsv('paydesk');
    expect(unified.rows.filter((r) => r.order_ref === 'ORD-LINK').map((r) => [r.paydesk_id, r.link_id, r.charge_or_intent_id])).toEqual([
      ['p_child1', 'plink_R', 'ch_c1'],
      ['p_child2', 'plink_R', 'ch_c2'],
    ]);
    expect(unified.rows.some((r) => r.paydesk_id === 'p_link')).toBe(false);
  });

  it('Razorpay: method as Razorpay names it (UPI is upi); a fee not yet known leaves fee, tax, debit and credit empty', async () => {
    const { rows } = await exportCsv('razorpay_recon');
    expect(rows.find((r) => r.entity_id === 'pay_UPI')).toMatchObject({ method: 'upi', fee: '1180', tax: '180', credit: '48820', debit: '0', settled: 'true', fee_status: 'known', order_receipt: 'ORD-3003' });
    expect(rows.find((r) => r.entity_id === 'pay_NB')).toMatchObject({ method: 'netbanking', amount: '50000', fee: '', tax: '', credit: '', debit: '', fee_status: 'pending' });
  });

  it('Paydesk: method and customer name for both gateways, pending fees empty (never 0.00), amounts agree with their minor units', async () => {
    const { rows } = await exportCsv('paydesk');
    const by = (id: string) => rows.find((r) => r.paydesk_id === id)!;
    expect([by('p_known').method, by('p_upi').method, by('p_rz_pending').method]).toEqual(['card', 'upi', 'netbanking']);
    expect([by('p_known').customer_name, by('p_upi').customer_name, by('p_pending').customer_name]).toEqual(['Asha Rao', 'Meera S', 'Ravi K']);
    expect(by('p_pending')).toMatchObject({ gross: '25.00', fee: '', tax: '', net: '', fee_minor: '', net_minor: '', fee_status: 'pending', reference: 'ORD-3002/2' });
    expect(by('p_known')).toMatchObject({ fee: '1.03', net: '23.97', fee_minor: '103', net_minor: '2397', fee_status: 'known', reference: 'ORD-3001' });
    for (const r of rows) {
      for (const [major, minor] of [['gross', 'gross_minor'], ['fee', 'fee_minor'], ['tax', 'tax_minor'], ['net', 'net_minor']] as const) {
        expect(r[major], `${r.paydesk_id} ${major}`).toBe(r[minor] === '' ? '' : toMajorString(Number(r[minor]), r.currency!));
      }
      expect(r.fee_status === 'pending').toBe(r.fee === '');
    }
  });
});
