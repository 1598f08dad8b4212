// The audit repository on both engines: append returns increasing ids, and every filter of newestFirst
// (action prefix or exact, operator, subject, time range, keyset page) with its limit + 1 rows. The table
// is append-only on both engines.
import { expect, it } from 'vitest';
import type { AuditRow } from '../../electron/core/store/repos/audit';
import { describeOnBothEngines } from '../fixtures/engines';

const row = (over: Partial<AuditRow>): AuditRow => ({
  at: 1000, operatorId: 'op_1', operatorName: 'Asha', action: 'refund.create', subjectType: 'payment', subjectId: 'pay_1',
  details: { amountMinor: 500 }, livemode: false, ...over,
});

describeOnBothEngines('audit repository', (store) => {
  const ids: number[] = [];

  it('appends rows and returns their ids', () => {
    const { audit } = store().repos;
    ids.push(audit.append(row({})));
    ids.push(audit.append(row({ at: 2000, action: 'refund.failed', livemode: true, details: {} })));
    ids.push(audit.append(row({ at: 3000, action: 'refunds.export', operatorId: null, operatorName: 'system', subjectType: null, subjectId: null })));
    ids.push(audit.append(row({ at: 4000, action: 'operator.add', operatorId: 'op_2', operatorName: 'Ben', subjectType: 'operator', subjectId: 'op_3' })));
    expect(ids.every((id, i) => i === 0 || id > ids[i - 1]!)).toBe(true);
    expect(typeof ids[0]).toBe('number');
  });

  it('reads newest first with every filter', () => {
    const { audit } = store().repos;
    const actions = (f: Parameters<typeof audit.newestFirst>[0]) => audit.newestFirst(f).map((r) => r.action);
    expect(audit.newestFirst({ limit: 10 })[3]).toEqual({ ...row({}), id: ids[0] });
    expect(audit.newestFirst({ limit: 10 })[2]).toMatchObject({ livemode: true, details: {} });
    expect(actions({ limit: 10 })).toEqual(['operator.add', 'refunds.export', 'refund.failed', 'refund.create']);
    // 'refund' and 'refund.*' are the refund actions, not 'refunds.export'
    expect(actions({ action: 'refund', limit: 10 })).toEqual(['refund.failed', 'refund.create']);
    expect(actions({ action: 'refund.*', limit: 10 })).toEqual(['refund.failed', 'refund.create']);
    expect(actions({ action: 'refund.failed', limit: 10 })).toEqual(['refund.failed']);
    expect(actions({ operatorId: 'op_2', limit: 10 })).toEqual(['operator.add']);
    expect(actions({ subjectType: 'payment', subjectId: 'pay_1', limit: 10 })).toEqual(['refund.failed', 'refund.create']);
    expect(actions({ from: 2000, to: 4000, limit: 10 })).toEqual(['refunds.export', 'refund.failed']);
    // limit + 1 rows: the extra one says another page exists
    expect(actions({ limit: 1 })).toEqual(['operator.add', 'refunds.export']);
    expect(actions({ before: ids[2], limit: 1 })).toEqual(['refund.failed', 'refund.create']);
  });

  it('refuses to change or delete a row', () => {
    const s = store();
    expect(() => s.exec('UPDATE audit_log SET operator_name = \'x\'')).toThrow(/append-only/);
    expect(() => s.exec('DELETE FROM audit_log')).toThrow(/append-only/);
  });
});
