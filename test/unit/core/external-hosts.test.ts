// settings.externalHosts.get/set and what the desktop shell's URL policy reads from core: the hosts an
// owner added (validated as https hostnames, at the field `hosts`) and the payment links Paydesk made.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { externalLinkSources } from '../../../electron/core/external-hosts';
import { GATEWAY_HOSTS, isAllowedExternalUrl } from '../../../electron/core/external-url';
import type { PaydeskCore } from '../../../electron/core/index';
import { paymentsRepo } from '../../../electron/core/store/repos/payments';
import { sqliteSql } from '../../../electron/core/store/sql';
import type { CoreEvent } from '../../../electron/core/types';
import { MAX_EXTERNAL_HOSTS } from '../../../shared/contract';
import { withCore, type CoreFixture } from '../../fixtures/with-core';

let fixture: CoreFixture;
let core: PaydeskCore;
let events: CoreEvent[];
const ctx = { transport: 'internal' } as const;
const LINK = 'https://pay.shop.example/b/test_9AQ5kX';

beforeAll(async () => {
  fixture = await withCore({ sandbox: false });
  core = fixture.core;
  events = fixture.events;
  const d = core.deps!;
  const now = Date.now();
  d.repos.accounts.insert({
    id: 'acc_s', gateway: 'stripe', mode: 'test', livemode: false, label: 'Shop', publicKey: null, secretKeyRef: null, webhookSecretRef: null, sandbox: false, builtin: null,
    verificationStatus: 'verified', verifiedAt: now, verificationMessage: null, createdAt: now, updatedAt: now,
  });
  const repo = paymentsRepo(sqliteSql(d.db));
  repo.insert({ id: 'pd_h1', accountId: 'acc_s', gateway: 'stripe', livemode: false, kind: 'stripe_payment_link', orderRef: 'H-1', amountMinor: 1000, currency: 'USD', idempotencyKey: 'k1', createdAt: now });
  repo.insert({ id: 'pd_h2', accountId: 'acc_s', gateway: 'stripe', livemode: false, kind: 'stripe_payment_link', orderRef: 'H-2', amountMinor: 1000, currency: 'USD', idempotencyKey: 'k2', createdAt: now });
  d.db.prepare('UPDATE payments SET url = ? WHERE id = ?').run(LINK, 'pd_h1');
});
afterAll(async () => {
  await fixture?.dispose();
});

const set = (hosts: unknown) => core.call('settings.externalHosts.set', { hosts } as never, ctx);
const auditRows = () => core.deps!.db.prepare("SELECT details FROM audit_log WHERE action = 'settings.changed' AND subject_id = 'externalHosts' ORDER BY id").pluck().all() as string[];

describe('settings.externalHosts', () => {
  it('starts with none, beside the gateways\' hosts', async () => {
    expect(await core.call('settings.externalHosts.get', {}, ctx)).toEqual({ ok: true, value: { hosts: [], gatewayHosts: [...GATEWAY_HOSTS] } });
  });

  it('stores hosts as typed or pasted, lower-cased, each once; one audit row with before and after; an event', async () => {
    const r = await set(['Docs.Shop.Example', 'https://help.shop.example/', 'docs.shop.example', ' xn--bcher-kva.example ']);
    expect(r).toEqual({ ok: true, value: { hosts: ['docs.shop.example', 'help.shop.example', 'xn--bcher-kva.example'], gatewayHosts: [...GATEWAY_HOSTS] } });
    expect(await core.call('settings.externalHosts.get', {}, ctx)).toMatchObject({ ok: true, value: { hosts: ['docs.shop.example', 'help.shop.example', 'xn--bcher-kva.example'] } });
    const rows = auditRows();
    expect(rows).toHaveLength(1);
    expect(JSON.parse(rows[0]!)).toEqual({
      setting: 'externalHosts',
      change: 'Websites Paydesk may open: added docs.shop.example, help.shop.example, xn--bcher-kva.example',
      before: [],
      after: ['docs.shop.example', 'help.shop.example', 'xn--bcher-kva.example'],
    });
    expect(events.filter((e) => e.name === 'externalHosts.changed').at(-1)?.payload).toEqual({ hosts: ['docs.shop.example', 'help.shop.example', 'xn--bcher-kva.example'] });
  });

  it.each<[string, unknown, RegExp]>([
    ['http', ['http://docs.shop.example'], /Paydesk opens websites over https only, so http:\/\/docs\.shop\.example cannot be added/],
    ['a path', ['docs.shop.example/returns'], /"docs\.shop\.example\/returns" is not a website's name; enter only the host/],
    ['a port', ['docs.shop.example:8443'], /not a website's name/],
    ['credentials', ['user@docs.shop.example'], /not a website's name/],
    ['a wildcard', ['*.shop.example'], /not a website's name/],
    ['a space', ['docs shop.example'], /not a website's name/],
    ['an underscore', ['docs_shop.example'], /not a website's name/],
    ['no dot', ['localhost'], /not a website's name/],
    ['an IP address', ['127.0.0.1'], /not a website's name/],
    ['a lookalike with a trailing dot', ['stripe.com.'], /not a website's name/],
    ['javascript:', ['javascript:alert(1)'], /not a website's name/],
    ['nothing', [''], /not a website's name/],
    ['too many', Array.from({ length: MAX_EXTERNAL_HOSTS + 1 }, (_, i) => `h${i}.shop.example`), /At most 50 websites/],
    ['not a list', 'docs.shop.example', /Send the websites as a list/],
  ])('refuses %s at hosts, storing nothing', async (_name, hosts, message) => {
    const before = auditRows().length;
    const r = await set(hosts);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error).toMatchObject({ code: 'invalid_input', field: 'hosts' });
      expect(r.error.message).toMatch(message);
    }
    expect(auditRows()).toHaveLength(before);
  });

  it('says what was removed', async () => {
    await set(['docs.shop.example']);
    expect(JSON.parse(auditRows().at(-1)!).change).toBe('Websites Paydesk may open: removed help.shop.example, xn--bcher-kva.example');
    await set(['docs.shop.example']);
    expect(JSON.parse(auditRows().at(-1)!).change).toBe('Websites Paydesk may open saved unchanged');
  });
});

describe('what the shell reads from core', () => {
  it('an owner-added host opens until it is removed', async () => {
    const sources = externalLinkSources(core.deps!);
    await set(['docs.shop.example']);
    expect(isAllowedExternalUrl('https://docs.shop.example/returns', sources())).toBe(true);
    await set([]);
    expect(isAllowedExternalUrl('https://docs.shop.example/returns', sources())).toBe(false);
  });

  it('a stored payment link opens, exactly; another page of its host does not', () => {
    const sources = externalLinkSources(core.deps!);
    expect(isAllowedExternalUrl(LINK, sources())).toBe(true);
    expect(isAllowedExternalUrl('https://pay.shop.example/b/test_other', sources())).toBe(false);
    expect(isAllowedExternalUrl('https://pay.shop.example/', sources())).toBe(false);
    expect(isAllowedExternalUrl(LINK.replace('https:', 'http:'), sources())).toBe(false);
  });

  it('once core has closed, nothing but the gateways and the sandbox opens (and nothing throws)', async () => {
    const other = await withCore({ sandbox: false });
    const c = other.core;
    await c.call('settings.externalHosts.set', { hosts: ['docs.shop.example'] }, ctx);
    const sources = externalLinkSources(c.deps!);
    expect(isAllowedExternalUrl('https://docs.shop.example/', sources())).toBe(true);
    await c.close();
    expect(isAllowedExternalUrl('https://docs.shop.example/', sources())).toBe(false);
    expect(isAllowedExternalUrl(LINK, sources())).toBe(false);
    expect(isAllowedExternalUrl('https://dashboard.stripe.com/', sources())).toBe(true);
    await other.dispose();
  });

  it('the look-up by URL uses its index', () => {
    const plan = core.deps!.db.prepare('EXPLAIN QUERY PLAN SELECT 1 FROM payments WHERE url = ? LIMIT 1').all(LINK) as { detail: string }[];
    expect(plan.map((p) => p.detail).join(' ')).toMatch(/USING (COVERING )?INDEX payments_by_url/);
  });
});
