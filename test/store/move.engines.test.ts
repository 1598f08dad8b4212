// The move repository on both engines: the catalog it reads (columns, keys, foreign keys, identity columns),
// pages in key order with a keyset cursor, roots before children of a self-referencing table, multi-row
// inserts that keep bytes and flags as they are, identity sequences that follow copied ids, per-currency
// figures, and the rows that show a shop is already there.
import { expect, it } from 'vitest';
import { migrations } from '../../electron/core/store/migrations/index';
import { moveRepo, type Row } from '../../electron/core/store/repos/move';
import { describeOnBothEngines } from '../fixtures/engines';
import { paymentInsert, seedAccounts, T0 } from './payment-seed';

describeOnBothEngines('move repository', (store, engine) => {
  const repo = () => moveRepo(store().sql);

  it('reads the schema version and each table\'s shape from the catalog', () => {
    expect(repo().schemaVersion()).toBe(migrations.length);
    const tables = new Map(repo().tables().map((t) => [t.name, t]));
    const payments = tables.get('payments')!;
    expect(payments.key).toEqual(['id']);
    expect(payments.parents).toEqual(['accounts']);
    expect(payments.selfRef).toBe('parent_id');
    expect(payments.columns.slice(0, 3)).toEqual(['id', 'account_id', 'gateway']);
    expect(tables.get('stripe_balance_txns')!.key).toEqual(['account_id', 'id']);
    expect([...tables.get('recon_flags')!.parents].sort()).toEqual(['accounts', 'payments', 'refunds', 'settlement_items', 'settlements']);
    expect(tables.get('audit_log')!.identity).toEqual(engine === 'postgres' ? ['id'] : []);
  });

  it('inserts many rows at once and pages through them in key order', () => {
    const r = repo();
    const rows = ['k3', 'k1', 'backup.key', 'k2', 'k5', 'k4'].map((k, i) => [k, JSON.stringify({ n: i, s: 'é' }), T0 + i]);
    r.insert('settings', ['key', 'value', 'updated_at'], rows);
    const t = r.tables().find((x) => x.name === 'settings')!;
    const first = r.page(t, null, 2);
    expect(first.map((x) => x.key)).toEqual(['k1', 'k2']);
    const rest = r.page(t, [first[1]!.key], 10);
    expect(rest.map((x) => x.key)).toEqual(['k3', 'k4', 'k5']);
    expect(rest[0]!.value).toBe('{"n":0,"s":"é"}');
    // this machine's backup settings stay behind
    expect(r.count('settings')).toBe(5);
    expect(r.count('settings', true)).toBe(6);
    expect(r.leftBehind()).toEqual(['1 settings row']);
  });

  it('reads roots before children, keeps bytes and flags, and sums per currency', () => {
    const s = store();
    seedAccounts(s);
    expect(repo().shopRows()).toEqual(['3 accounts rows']);
    s.repos.payments.insert(paymentInsert('pay_root', { reusable: true, currency: 'usd', amountMinor: 700 }));
    const r = repo();
    const t = r.tables().find((x) => x.name === 'payments')!;
    const root = r.page(t, null, 10, 'roots')[0]!;
    const child: Row = { ...root, id: 'pay_a_child', parent_id: 'pay_root', reusable: 0, idempotency_key: 'idem-child', gateway_payment_id: 'gp_1', captured_minor: 700 };
    r.insert('payments', t.columns, [t.columns.map((c) => child[c])]);
    expect(r.page(t, null, 10, 'roots').map((x) => x.id)).toEqual(['pay_root']);
    expect(r.page(t, null, 10, 'children').map((x) => x.id)).toEqual(['pay_a_child']);
    expect(root.reusable).toBe(1);
    const figures = r.figures();
    expect(figures.get('payments USD count')).toBe(2);
    expect(figures.get('payments USD amount')).toBe(1400);
    expect(figures.get('payments USD captured')).toBe(700);
    expect(r.shopRows()).toEqual(['2 payments rows', '3 accounts rows']);

    const sealed = Buffer.from([0, 1, 2, 255]);
    r.insert('vault_secrets', ['ref', 'nonce', 'ciphertext', 'tag', 'last4', 'mode', 'created_at', 'updated_at'],
      [['ref:a', Buffer.alloc(12, 7), sealed, Buffer.alloc(16, 9), null, 'test', T0, T0]]);
    const v = r.page(r.tables().find((x) => x.name === 'vault_secrets')!, null, 1)[0]!;
    expect(Buffer.isBuffer(v.ciphertext) && (v.ciphertext as Buffer).equals(sealed)).toBe(true);
  });

  it('sums settlements, their items and the ledger per currency', () => {
    const r = repo();
    r.insert('settlements', ['id', 'account_id', 'gateway', 'livemode', 'gateway_settlement_id', 'currency', 'amount_minor', 'fee_minor', 'tax_minor', 'status', 'created_at'],
      [['stl_1', 'acct_st', 'stripe', 0, 'po_1', 'USD', 9000, 300, 0, 'paid', T0], ['stl_2', 'acct_st', 'stripe', 0, 'po_2', 'USD', 1000, 30, 5, 'paid', T0]]);
    r.insert('settlement_items', ['settlement_id', 'kind', 'gateway_txn_id', 'amount_minor', 'net_minor'], [['stl_1', 'fee', 'txn_1', -300, -300], ['stl_2', 'fee', 'txn_2', -30, -30]]);
    r.insert('stripe_balance_txns', ['account_id', 'id', 'livemode', 'type', 'reporting_category', 'currency', 'amount_minor', 'fee_minor', 'net_minor', 'status', 'created_at'],
      [['acct_st', 'txn_1', 0, 'charge', 'charge', 'USD', 5000, 175, 4825, 'available', T0]]);
    const f = r.figures();
    expect([f.get('settlements USD amount'), f.get('settlements USD fee'), f.get('settlements USD tax')]).toEqual([10_000, 330, 5]);
    expect([f.get('settlement items USD count'), f.get('settlement items USD net')]).toEqual([2, -330]);
    expect([f.get('ledger USD amount'), f.get('ledger USD fee'), f.get('ledger USD net')]).toEqual([5000, 175, 4825]);
  });

  it('makes the next identity value follow the ids copied', () => {
    const r = repo();
    r.insert('audit_log', ['id', 'at', 'operator_name', 'action', 'details', 'livemode'], [[40, T0, 'Owner', 'link.created', '{}', 0]]);
    r.followIdentity('audit_log', 'id');
    const next = store().repos.audit.append({ at: T0, operatorId: null, operatorName: 'Owner', action: 'link.created', subjectType: null, subjectId: null, details: {}, livemode: false });
    expect(next).toBe(41);
  });

  it('refuses a name that is not a plain identifier', () => {
    expect(() => repo().count('payments; DROP TABLE payments')).toThrow(/Unexpected table or column name/);
  });
});
