// The export end to end: a real SQLite file (every migration, test/fixtures/report-schema.ts), the real
// worker thread, the real file; parsed back with csv-parse.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PRESETS, rowWriter, type PresetId } from '../../../../electron/core/reports/columns';
import { csvLine } from '../../../../electron/core/reports/csv';
import { resolveExportJob, startExport, type ExportFilters, type ExportProgress } from '../../../../electron/core/reports/export';
import { buildMovementQuery, buildTotalsQuery, type MovementRow } from '../../../../electron/core/store/repos/movements';
import { TimeFormatter } from '../../../../electron/core/reports/time';
import {
  createReportDb,
  insertAccount,
  insertPayment,
  insertRefund,
  insertSettlement,
  insertSettlementItem,
} from '../../../fixtures/report-schema';

const dir = mkdtempSync(path.join(os.tmpdir(), 'paydesk-export-'));
const dbPath = path.join(dir, 'paydesk.db');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const IST = 'Asia/Kolkata';
/** an IST wall time as a UTC instant (IST is UTC+05:30, no DST) */
const ist = (y: number, mo: number, d: number, h: number, mi: number): number => Date.UTC(y, mo - 1, d, h, mi) - 330 * 60_000;
const JAN: ExportFilters = { from: '2024-01-01', to: '2024-01-31', mode: 'test' };

let n = 0;
async function exportCsv(preset: PresetId, filters: ExportFilters = JAN, extra: { bom?: boolean; timeZone?: string } = {}) {
  const outPath = path.join(dir, `${preset}-${++n}.csv`);
  const progress: ExportProgress[] = [];
  const h = startExport({ dbPath, outPath, preset, filters, timeZone: extra.timeZone ?? IST, bom: extra.bom, onProgress: (p) => progress.push(p) });
  const result = await h.done;
  const bytes = readFileSync(outPath);
  const records = parse(bytes, { bom: true }) as string[][];
  const [header = [], ...rows] = records;
  const objects = rows.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i]!])) as Record<string, string>);
  return { result, bytes, header, rows: objects, progress, outPath };
}

beforeAll(() => {
  const db = createReportDb(dbPath);
  insertAccount(db, { id: 'acc_st_test', gateway: 'stripe', mode: 'test', label: 'Stripe Test' });
  insertAccount(db, { id: 'acc_st_live', gateway: 'stripe', mode: 'live', label: 'Stripe Live' });
  insertAccount(db, { id: 'acc_rz_test', gateway: 'razorpay', mode: 'test', label: 'Razorpay Test' });
  const stripe = { account_id: 'acc_st_test', gateway: 'stripe', livemode: 0 } as const;
  const rzp = { account_id: 'acc_rz_test', gateway: 'razorpay', livemode: 0 } as const;
  const stripeRefund = { account_id: 'acc_st_test', gateway: 'stripe', livemode: 0 } as const;
  const rzpRefund = { account_id: 'acc_rz_test', gateway: 'razorpay', livemode: 0, gateway_payment_id: 'pay_INR1' } as const;

  // JPY: 0 decimals; a description that would be a formula
  insertPayment(db, { ...stripe, id: 'p_jpy', order_ref: 'ORD-JPY', amount_minor: 1500, currency: 'JPY', fee_minor: 50, net_minor: 1450, description: '=HYPERLINK("http://evil.example","x")', customer_email: 'jp@example.com', customer_name: 'Taro, "T"', payment_intent_id: 'pi_jpy', charge_id: 'ch_jpy', plink_id: 'plink_jpy', session_id: 'cs_jpy', paid_at: ist(2024, 1, 10, 12, 0) });
  insertRefund(db, { ...stripeRefund, gateway_payment_id: 'pi_jpy', id: 'r_jpy', payment_id: 'p_jpy', gateway_refund_id: 're_jpy', amount_minor: 500, currency: 'JPY', reason: 'requested_by_customer', created_at: ist(2024, 1, 15, 9, 0) });
  // KWD: 3 decimals; paid 23:30 IST on the last day of January (18:00 UTC): January for an IST merchant
  insertPayment(db, { ...stripe, id: 'p_kwd', order_ref: 'ORD-KWD', amount_minor: 12345, currency: 'KWD', fee_minor: 370, net_minor: 11975, description: 'Line1\nLine2, "quoted"', customer_email: '+965@example.com', payment_intent_id: 'pi_kwd', charge_id: 'ch_kwd', paid_at: ist(2024, 1, 31, 23, 30) });
  insertRefund(db, { ...stripeRefund, gateway_payment_id: 'pi_kwd', id: 'r_kwd', payment_id: 'p_kwd', gateway_refund_id: 're_kwd', amount_minor: 6000, currency: 'KWD', reason: 'duplicate', created_at: ist(2024, 1, 31, 23, 45) });
  // 00:10 IST on 1 February is still 31 January in UTC: February for an IST merchant
  insertPayment(db, { ...stripe, id: 'p_feb', order_ref: 'ORD-FEB', amount_minor: 1000, currency: 'USD', fee_minor: 59, paid_at: ist(2024, 2, 1, 0, 10) });
  // a link never paid is not a money movement
  insertPayment(db, { ...stripe, id: 'p_open', order_ref: 'ORD-OPEN', amount_minor: 777, currency: 'USD', status: 'open', paid_at: null, created_at: ist(2024, 1, 12, 0, 0) });
  // live mode: never in a test export
  insertPayment(db, { account_id: 'acc_st_live', gateway: 'stripe', livemode: 1, id: 'p_live', order_ref: 'ORD-LIVE', amount_minor: 999, currency: 'USD', fee_minor: 59, paid_at: ist(2024, 1, 15, 10, 0) });

  // Razorpay INR: 00:05 IST on 1 January is 31 December in UTC: January for an IST merchant
  insertPayment(db, { ...rzp, id: 'p_inr', order_ref: 'ORD-INR', amount_minor: 50000, currency: 'INR', fee_minor: 1180, tax_minor: 180, net_minor: 48820, description: '@SUM(A1)', notes: '{"shop":"Mumbai"}', gateway_payment_id: 'pay_INR1', order_id: 'order_INR1', plink_id: 'plink_INR1', customer_email: 'in@example.com', paid_at: ist(2024, 1, 1, 0, 5) });
  insertPayment(db, { ...rzp, id: 'p_dec', order_ref: 'ORD-DEC', amount_minor: 3000, currency: 'INR', fee_minor: 71, tax_minor: 11, paid_at: ist(2023, 12, 31, 23, 55) });
  insertRefund(db, { ...rzpRefund, id: 'r_inr', payment_id: 'p_inr', gateway_refund_id: 'rfnd_INR1', amount_minor: 10000, currency: 'INR', status: 'pending', speed: 'normal', created_at: ist(2024, 1, 20, 15, 0) });
  insertRefund(db, { ...rzpRefund, id: 'r_failed', payment_id: 'p_inr', gateway_refund_id: 'rfnd_FAIL', amount_minor: 4000, currency: 'INR', status: 'failed', created_at: ist(2024, 1, 21, 15, 0) });
  // no gateway answer recorded yet: not a money movement until it is
  insertRefund(db, { ...rzpRefund, id: 'r_requested', payment_id: 'p_inr', amount_minor: 1000, currency: 'INR', status: 'requested', created_at: ist(2024, 1, 22, 15, 0) });

  // a Razorpay settlement: our payment, one the gateway settled that Paydesk never created, an adjustment
  insertSettlement(db, { id: 's_rz1', account_id: 'acc_rz_test', gateway: 'razorpay', livemode: 0, gateway_settlement_id: 'setl_1', currency: 'INR', amount_minor: 48820 + 1960 - 100, fee_minor: 1220, tax_minor: 186, utr: 'UTR0001', status: 'processed', created_at: ist(2024, 1, 2, 10, 0), arrival_at: ist(2024, 1, 2, 10, 0) });
  insertSettlementItem(db, { settlement_id: 's_rz1', kind: 'payment', payment_id: 'p_inr', gateway_txn_id: 'pay_INR1', amount_minor: 50000, fee_minor: 1180, tax_minor: 180, net_minor: 48820 });
  insertSettlementItem(db, { settlement_id: 's_rz1', kind: 'payment', gateway_txn_id: 'pay_EXT1', amount_minor: 2000, fee_minor: 40, tax_minor: 6, net_minor: 1960, created_at: ist(2024, 1, 2, 9, 0) });
  insertSettlementItem(db, { settlement_id: 's_rz1', kind: 'adjustment', gateway_txn_id: 'adj_1', amount_minor: -100, net_minor: -100, created_at: ist(2024, 1, 2, 9, 30) });
  // a Stripe payout of the JPY payment
  insertSettlement(db, { id: 's_st1', account_id: 'acc_st_test', gateway: 'stripe', livemode: 0, gateway_settlement_id: 'po_1', currency: 'JPY', amount_minor: 1450, fee_minor: 50, status: 'paid', created_at: ist(2024, 1, 18, 8, 0), arrival_at: ist(2024, 1, 20, 5, 0) });
  insertSettlementItem(db, { settlement_id: 's_st1', kind: 'payment', payment_id: 'p_jpy', gateway_txn_id: 'txn_jpy', amount_minor: 1500, fee_minor: 50, net_minor: 1450 });
  db.close();
});

describe('the Paydesk unified preset', () => {
  it('exports January for an IST merchant: local month boundaries, test only, in time order', async () => {
    const { rows, result, progress } = await exportCsv('paydesk');
    expect(rows.map((r) => `${r.type}:${r.paydesk_id || r.payment_id || r.payout_or_settlement_id}`)).toEqual([
      'payment:p_inr', // 00:05 IST 1 Jan = 31 Dec UTC
      'payment:pay_EXT1', // settled at the gateway, unknown to Paydesk: external, never dropped
      'adjustment:setl_1',
      'payout:setl_1',
      'payment:p_jpy',
      'refund:r_jpy',
      'payout:po_1',
      'refund:r_inr',
      'payment:p_kwd', // 23:30 IST 31 Jan
      'refund:r_kwd',
    ]);
    expect(result.rows).toBe(10);
    expect(rows.every((r) => r.mode === 'test')).toBe(true);
    expect(progress.every((p) => p.rows <= result.rows)).toBe(true);
  });

  it('formats JPY with 0 decimals and KWD with 3, from integer minor units', async () => {
    const { rows } = await exportCsv('paydesk');
    const jpy = rows.find((r) => r.paydesk_id === 'p_jpy')!;
    expect([jpy.gross, jpy.fee, jpy.tax, jpy.net, jpy.gross_minor, jpy.fee_minor, jpy.net_minor]).toEqual(['1500', '50', '0', '1450', '1500', '50', '1450']);
    const jpyRefund = rows.find((r) => r.paydesk_id === 'r_jpy')!;
    expect([jpyRefund.gross, jpyRefund.net, jpyRefund.gross_minor, jpyRefund.refund_id, jpyRefund.refund_reason]).toEqual(['-500', '-500', '-500', 're_jpy', 'requested_by_customer']);
    const kwd = rows.find((r) => r.paydesk_id === 'p_kwd')!;
    expect([kwd.gross, kwd.fee, kwd.tax, kwd.net, kwd.gross_minor]).toEqual(['12.345', '0.370', '0.000', '11.975', '12345']);
    const kwdRefund = rows.find((r) => r.paydesk_id === 'r_kwd')!;
    expect([kwdRefund.gross, kwdRefund.net, kwdRefund.gross_minor]).toEqual(['-6.000', '-6.000', '-6000']);
    const inr = rows.find((r) => r.paydesk_id === 'p_inr')!;
    expect([inr.gross, inr.fee, inr.tax, inr.net]).toEqual(['500.00', '11.80', '1.80', '488.20']);
  });

  it('writes UTC and local times, gateway ids, the settlement and the UTR or payout arrival', async () => {
    const { rows } = await exportCsv('paydesk');
    const kwd = rows.find((r) => r.paydesk_id === 'p_kwd')!;
    expect(kwd.created_utc).toBe('2024-01-31T18:00:00Z');
    expect(kwd.created_local).toBe('2024-01-31T23:30:00+05:30');
    const inr = rows.find((r) => r.paydesk_id === 'p_inr')!;
    expect([inr.created_utc, inr.created_local]).toEqual(['2023-12-31T18:35:00Z', '2024-01-01T00:05:00+05:30']);
    expect([inr.gateway, inr.account, inr.payment_id, inr.order_id, inr.link_id, inr.payout_or_settlement_id, inr.settlement_utr_or_payout_arrival, inr.method, inr.customer_email]).toEqual([
      'razorpay', 'Razorpay Test', 'pay_INR1', 'order_INR1', 'plink_INR1', 'setl_1', 'UTR0001', '', 'in@example.com',
    ]);
    const jpy = rows.find((r) => r.paydesk_id === 'p_jpy')!;
    expect([jpy.charge_or_intent_id, jpy.order_id, jpy.payout_or_settlement_id, jpy.settlement_utr_or_payout_arrival]).toEqual(['ch_jpy', 'cs_jpy', 'po_1', '2024-01-20']);
    const ext = rows.find((r) => r.payment_id === 'pay_EXT1')!;
    expect([ext.status, ext.paydesk_id, ext.gross_minor, ext.net_minor]).toEqual(['external', '', '2000', '1960']);
    const payout = rows.find((r) => r.type === 'payout' && r.payout_or_settlement_id === 'setl_1')!;
    expect([payout.gross_minor, payout.fee_minor, payout.net_minor]).toEqual([String(-(48820 + 1960 - 100)), '0', String(-(48820 + 1960 - 100))]);
  });

  it('neutralises formula text but leaves negative amounts as numbers', async () => {
    const { bytes, rows } = await exportCsv('paydesk');
    expect(rows.find((r) => r.paydesk_id === 'p_jpy')!.description).toBe(`'=HYPERLINK("http://evil.example","x")`);
    expect(rows.find((r) => r.paydesk_id === 'p_inr')!.description).toBe("'@SUM(A1)");
    expect(rows.find((r) => r.paydesk_id === 'p_kwd')!.customer_email).toBe("'+965@example.com");
    expect(rows.find((r) => r.paydesk_id === 'p_kwd')!.description).toBe('Line1\nLine2, "quoted"');
    const text = bytes.toString('utf8');
    expect(text).toContain(',-6.000,');
    expect(text).toContain(',-6000,');
    expect(text).not.toMatch(/,'-\d/);
    expect(text.split('\r\n').length).toBeGreaterThan(10); // CRLF line ends
  });

  it('never mixes test and live: the live export holds only live rows', async () => {
    const { rows } = await exportCsv('paydesk', { ...JAN, mode: 'live' });
    expect(rows.map((r) => [r.paydesk_id, r.mode, r.account])).toEqual([['p_live', 'live', 'Stripe Live']]);
  });

  it('requires the mode and one source, and validates the range, the preset and the time zone', () => {
    const base = { dbPath, outPath: path.join(dir, 'x.csv'), preset: 'paydesk' as const, filters: JAN, timeZone: IST };
    expect(() => resolveExportJob({ ...base, filters: { ...JAN, mode: undefined as unknown as 'test' } })).toThrow(/test or live/);
    expect(() => resolveExportJob({ ...base, filters: { ...JAN, from: '2024-02-01' } })).toThrow(RangeError);
    expect(() => resolveExportJob({ ...base, filters: { ...JAN, to: '2024-02-30' } })).toThrow(RangeError);
    expect(() => resolveExportJob({ ...base, timeZone: 'Mars/Olympus' })).toThrow(/time zone/);
    expect(() => resolveExportJob({ ...base, preset: 'quickbooks' as PresetId })).toThrow(/preset/);
    expect(() => resolveExportJob({ ...base, preset: 'stripe_balance', filters: { ...JAN, gateway: 'razorpay' } })).toThrow(/stripe rows only/);
    // one source: the SQLite file or the team database
    expect(() => resolveExportJob({ ...base, dbPath: undefined })).toThrow(/one of them/);
    expect(() => resolveExportJob({ ...base, postgres: { url: 'postgres://paydesk@127.0.0.1:5432/paydesk' } })).toThrow(/one of them/);
    expect(() => resolveExportJob({ ...base, dbPath: 'relative.sqlite' })).toThrow(/absolute/);
    expect(resolveExportJob({ ...base, dbPath: undefined, postgres: { url: 'postgres://paydesk@127.0.0.1:5432/paydesk' } }).source).toEqual({ url: 'postgres://paydesk@127.0.0.1:5432/paydesk' });
  });

  it('filters by gateway and by account', async () => {
    const rz = await exportCsv('paydesk', { ...JAN, gateway: 'razorpay' });
    expect(new Set(rz.rows.map((r) => r.gateway))).toEqual(new Set(['razorpay']));
    expect(rz.rows).toHaveLength(5);
    const acc = await exportCsv('paydesk', { ...JAN, accountIds: ['acc_st_test'] });
    expect(new Set(acc.rows.map((r) => r.account))).toEqual(new Set(['Stripe Test']));
    expect(acc.rows).toHaveLength(5);
  });

  it('the sums over the exported rows equal an independent SQL SUM per currency', async () => {
    const { rows } = await exportCsv('paydesk');
    const sums = new Map<string, { gross: bigint; fee: bigint; tax: bigint; net: bigint; grossMajorDigits: bigint }>();
    for (const r of rows) {
      const s = sums.get(r.currency!) ?? { gross: 0n, fee: 0n, tax: 0n, net: 0n, grossMajorDigits: 0n };
      s.gross += BigInt(r.gross_minor!);
      s.fee += BigInt(r.fee_minor!);
      s.tax += BigInt(r.tax_minor!);
      s.net += BigInt(r.net_minor!);
      s.grossMajorDigits += BigInt(r.gross!.replace('.', '')); // major units with the exponent's digits = minor units
      sums.set(r.currency!, s);
    }
    const { startMs, endMs } = resolveExportJob({ dbPath, outPath: path.join(dir, 'y.csv'), preset: 'paydesk', filters: JAN, timeZone: IST }).query;
    // written independently of store/repos/movements.ts: what moved money in the window, per table
    const db = new Database(dbPath, { readonly: true });
    const expected = db.prepare(`
      SELECT currency, sum(gross) AS gross, sum(fee) AS fee, sum(tax) AS tax, sum(net) AS net FROM (
        SELECT p.currency, p.captured_minor AS gross, coalesce(p.fee_minor, 0) AS fee, coalesce(p.tax_minor, 0) AS tax,
               coalesce(p.net_minor, p.captured_minor - coalesce(p.fee_minor, 0)) AS net
          FROM payments p WHERE p.livemode = 0 AND p.paid_at >= :s AND p.paid_at < :e
        UNION ALL
        SELECT r.currency, -r.amount_minor, 0, 0, -r.amount_minor
          FROM refunds r WHERE r.livemode = 0 AND r.status IN ('pending', 'succeeded') AND r.created_at >= :s AND r.created_at < :e
        UNION ALL
        SELECT s.currency, i.amount_minor, i.fee_minor, i.tax_minor, i.net_minor
          FROM settlement_items i JOIN settlements s ON s.id = i.settlement_id
          WHERE s.livemode = 0 AND i.payment_id IS NULL AND i.refund_id IS NULL AND coalesce(i.created_at, s.created_at) >= :s AND coalesce(i.created_at, s.created_at) < :e
        UNION ALL
        SELECT s.currency, -s.amount_minor, 0, 0, -s.amount_minor FROM settlements s WHERE s.livemode = 0 AND s.created_at >= :s AND s.created_at < :e
      ) GROUP BY currency ORDER BY currency`).all({ s: startMs, e: endMs }) as { currency: string; gross: number; fee: number; tax: number; net: number }[];
    const totals = db.prepare(buildTotalsQuery(resolveExportJob({ dbPath, outPath: path.join(dir, 'y.csv'), preset: 'paydesk', filters: JAN, timeZone: IST }).query).sql)
      .all(buildTotalsQuery(resolveExportJob({ dbPath, outPath: path.join(dir, 'y.csv'), preset: 'paydesk', filters: JAN, timeZone: IST }).query).params) as { currency: string; gross_minor: number; net_minor: number }[];
    db.close();
    expect([...sums.keys()].sort()).toEqual(expected.map((e) => e.currency));
    for (const e of expected) {
      const s = sums.get(e.currency)!;
      expect({ c: e.currency, gross: s.gross, fee: s.fee, tax: s.tax, net: s.net, major: s.grossMajorDigits }).toEqual({
        c: e.currency, gross: BigInt(e.gross), fee: BigInt(e.fee), tax: BigInt(e.tax), net: BigInt(e.net), major: BigInt(e.gross),
      });
    }
    // the totals query of movements.ts agrees too
    expect(totals.map((t) => [t.currency, t.gross_minor, t.net_minor])).toEqual(expected.map((e) => [e.currency, e.gross, e.net]));
    // and by hand, JPY: 1500 paid - 500 refunded - 1450 paid out
    expect(sums.get('JPY')!.gross).toBe(1500n - 500n - 1450n);
  });

  it('adds a BOM for Excel only when asked', async () => {
    const withBom = await exportCsv('paydesk', JAN, { bom: true });
    expect([...withBom.bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(withBom.header[0]).toBe('gateway');
    const without = await exportCsv('paydesk');
    expect(without.bytes.subarray(0, 7).toString()).toBe('gateway');
    expect(withBom.result.bytes).toBe(withBom.bytes.length);
  });
});

describe('the gateway presets', () => {
  // Written out from shared/GATEWAYS.md §1, independently of columns.ts.
  const addr = (p: string) => ['line1', 'line2', 'city', 'state', 'postal_code', 'country'].map((x) => `${p}_${x}`);
  const STRIPE_COLUMNS = [
    'balance_transaction_id', 'created_utc', 'created', 'available_on_utc', 'available_on', 'currency', 'gross', 'fee', 'net', 'reporting_category',
    'source_id', 'description', 'customer_facing_amount', 'customer_facing_currency', 'regulatory_tag', 'automatic_payout_id',
    'automatic_payout_effective_at_utc', 'automatic_payout_effective_at', 'customer_id', 'customer_email', 'customer_name', 'customer_description',
    ...addr('customer_shipping_address'), ...addr('customer_address'), ...addr('shipping_address'), ...addr('card_address'),
    'charge_id', 'payment_intent_id', 'charge_created_utc', 'charge_created', 'invoice_id', 'invoice_number', 'subscription_id', 'payment_method_type',
    'is_link', 'card_brand', 'card_funding', 'card_country', 'statement_descriptor', 'dispute_reason', 'connected_account_id', 'connected_account_name',
    'connected_account_country', 'connected_account_direct_charge_id', 'payment_metadata[paydesk_id]', 'payment_metadata[order_ref]', 'refund_metadata[paydesk_refund_id]',
    'fee_status',
  ];
  const RAZORPAY_COLUMNS = [
    'entity_id', 'type', 'debit', 'credit', 'amount', 'currency', 'fee', 'tax', 'on_hold', 'settled', 'created_at', 'settled_at', 'settlement_id',
    'posted_at', 'credit_type', 'description', 'notes', 'payment_id', 'settlement_utr', 'order_id', 'order_receipt', 'method', 'card_network',
    'card_issuer', 'card_type', 'dispute_id', 'fee_status',
  ];
  const UNIFIED_COLUMNS = [
    'gateway', 'account', 'mode', 'type', 'paydesk_id', 'order_ref', 'reference', 'payment_id', 'charge_or_intent_id', 'link_id', 'order_id', 'refund_id',
    'created_utc', 'created_local', 'currency', 'gross', 'fee', 'tax', 'net', 'gross_minor', 'fee_minor', 'tax_minor', 'net_minor', 'fee_status', 'status',
    'refund_reason', 'payout_or_settlement_id', 'settlement_utr_or_payout_arrival', 'method', 'customer_email', 'customer_name', 'description',
  ];

  it('carry exactly the documented columns, in order', async () => {
    expect((await exportCsv('stripe_balance')).header).toEqual(STRIPE_COLUMNS);
    expect((await exportCsv('razorpay_recon')).header).toEqual(RAZORPAY_COLUMNS);
    expect((await exportCsv('paydesk')).header).toEqual(UNIFIED_COLUMNS);
  });

  it('docs/export-columns.md documents every column of every preset, in order', () => {
    const md = readFileSync(path.join(__dirname, '../../../../docs/export-columns.md'), 'utf8');
    const sections = md.split(/^## /m).slice(1);
    const documented = (id: string): string[] => {
      const section = sections.find((s) => s.includes(`\`${id}\``));
      expect(section, `a section for ${id}`).toBeDefined();
      return [...section!.matchAll(/^\| `([^`]+)` \|/gm)].map((m) => m[1]!);
    };
    expect(documented('paydesk')).toEqual(UNIFIED_COLUMNS);
    expect(documented('stripe_balance')).toEqual(STRIPE_COLUMNS);
    expect(documented('razorpay_recon')).toEqual(RAZORPAY_COLUMNS);
  });

  it('Stripe: stripe rows only, major units, lower-case currency, reporting categories', async () => {
    const { rows } = await exportCsv('stripe_balance');
    expect(rows.map((r) => `${r.reporting_category}:${r.source_id}`)).toEqual(['charge:ch_jpy', 'refund:re_jpy', 'payout:po_1', 'charge:ch_kwd', 'refund:re_kwd']);
    const kwd = rows.find((r) => r.source_id === 'ch_kwd')!;
    expect([kwd.currency, kwd.gross, kwd.fee, kwd.net, kwd.created_utc, kwd.created, kwd['payment_metadata[paydesk_id]'], kwd['payment_metadata[order_ref]']]).toEqual([
      'kwd', '12.345', '0.370', '11.975', '2024-01-31 18:00:00', '2024-01-31 23:30:00', 'p_kwd', 'ORD-KWD',
    ]);
    const jpy = rows.find((r) => r.source_id === 'ch_jpy')!;
    expect([jpy.balance_transaction_id, jpy.automatic_payout_id, jpy.automatic_payout_effective_at, jpy.customer_name]).toEqual(['txn_jpy', 'po_1', '2024-01-20 05:00:00', 'Taro, "T"']);
    expect(rows.find((r) => r.source_id === 're_kwd')!['refund_metadata[paydesk_refund_id]']).toBe('r_kwd');
  });

  it('Razorpay: razorpay rows only, no payouts, subunit integers, Unix seconds', async () => {
    const { rows } = await exportCsv('razorpay_recon');
    expect(rows.map((r) => `${r.type}:${r.entity_id}`)).toEqual(['payment:pay_INR1', 'payment:pay_EXT1', 'adjustment:adj_1', 'refund:rfnd_INR1']);
    const pay = rows[0]!;
    expect([pay.debit, pay.credit, pay.amount, pay.currency, pay.fee, pay.tax, pay.settled, pay.created_at, pay.settlement_id, pay.settlement_utr, pay.order_id, pay.order_receipt, pay.method]).toEqual([
      '0', '48820', '50000', 'INR', '1180', '180', 'true', String(ist(2024, 1, 1, 0, 5) / 1000), 'setl_1', 'UTR0001', 'order_INR1', 'ORD-INR', '',
    ]);
    // the notes as Paydesk sends them: the merchant's notes plus paydesk_id and order_ref
    expect(pay.notes).toBe('{"shop":"Mumbai","paydesk_id":"p_inr","order_ref":"ORD-INR"}');
    const refund = rows[3]!;
    expect([refund.debit, refund.credit, refund.amount, refund.payment_id, refund.settled, refund.notes]).toEqual(['10000', '0', '10000', 'pay_INR1', 'false', '{"paydesk_refund_id":"r_inr"}']);
    expect(rows[2]!.debit).toBe('100');
  });

  it('the fast-path column descriptors compute the same cells as their value functions', () => {
    const db = new Database(dbPath, { readonly: true });
    const time = new TimeFormatter(IST);
    for (const preset of Object.values(PRESETS)) {
      const job = resolveExportJob({ dbPath, outPath: path.join(dir, 'z.csv'), preset: preset.id, filters: JAN, timeZone: IST });
      const q = buildMovementQuery(job.query);
      const fast = rowWriter(preset, { time });
      for (const r of db.prepare(q.sql).raw(true).iterate(q.params) as IterableIterator<MovementRow>) {
        expect(fast(r)).toBe(csvLine(preset.columns, preset.columns.map((c) => c.value(r, { time }))));
      }
    }
    db.close();
  });

  it("each column's `uses` is complete: selecting only the preset's fields writes the same lines as selecting all", () => {
    const db = new Database(dbPath, { readonly: true });
    for (const preset of Object.values(PRESETS)) {
      const job = resolveExportJob({ dbPath, outPath: path.join(dir, 'z.csv'), preset: preset.id, filters: JAN, timeZone: IST });
      expect(job.query.fields?.length).toBeGreaterThan(0);
      const lines = (fields: typeof job.query.fields) => {
        const q = buildMovementQuery({ ...job.query, fields });
        const w = rowWriter(preset, { time: new TimeFormatter(IST) });
        return (db.prepare(q.sql).raw(true).all(q.params) as MovementRow[]).map(w);
      };
      const all = lines(null);
      expect(all.length).toBeGreaterThan(3);
      expect(lines(job.query.fields)).toEqual(all);
    }
    db.close();
  });
});
