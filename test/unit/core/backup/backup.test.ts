// Backup and restore. A real core on the sandbox makes a desk with payments, a refund, operators,
// audit rows and sealed secrets; the backup is restored on "another machine" (a different key file) and
// everything works there; every damaged or wrong input is refused with a clear message and changes nothing.
import { sqliteSql } from '../../../../electron/core/store/sql';
import Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKeyFileProtector } from '../../../../electron/core/vault';
import { decodeBackup, encodeBackup, sha256, unwrapDataKey, wrapDataKey } from '../../../../electron/core/backup/format';
import { restoreBackup } from '../../../../electron/core/backup/restore';
import { createBackupService } from '../../../../electron/core/backup/service';
import { writeBackup } from '../../../../electron/core/backup/snapshot';
import { backupRepo } from '../../../../electron/core/store/repos/backup';
import { settingsRepo } from '../../../../electron/core/store/repos/settings';
import { snapshotRepo } from '../../../../electron/core/store/snapshot';
import { createIngest } from '../../../../electron/core/webhooks/ingest';
import { ctx, paidStripePayment, requestId, startHarness, type Harness } from '../../../fixtures/refund-helpers';
import { getFixtureSecret, ingestDeps, openFixtureDb, seedPayment, signStripe, stripePaidEvent, tempDbFile } from '../../../fixtures/webhook-helpers';
import { withCore, type CoreFixture } from '../../../fixtures/with-core';

const PASS = 'correct horse battery staple';
let h: Harness;
let made: string;
const dirs: string[] = [];
const tmp = (p: string): string => {
  const d = mkdtempSync(join(tmpdir(), p));
  dirs.push(d);
  return d;
};

/** every file under `dir` with its content hash: "nothing changed" means this is equal before and after */
const fingerprint = (dir: string): Record<string, string> =>
  existsSync(dir) ? Object.fromEntries(readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => [join(e.parentPath, e.name), sha256(readFileSync(join(e.parentPath, e.name)))])) : {};

/** a core on "another machine": its own data dir (and so its own key file), the desk's sandbox */
const restoreCore = (dataDir: string): Promise<CoreFixture> => withCore({ dataDir, sandbox: h.sandbox });

beforeAll(async () => {
  h = await startHarness();
  const owner = await h.core.call('operators.create', { name: 'Meera', role: 'owner', pin: '482913' }, ctx);
  if (!owner.ok) throw new Error(owner.error.message);
  await h.core.call('desk.signIn', { operatorId: owner.value.id, pin: '482913' }, ctx);
  const p = await paidStripePayment(h, 5000, 'usd');
  const r = await h.core.call('refunds.create', { paymentId: p.id, amount: '10.00', requestId: requestId() }, ctx);
  if (!r.ok) throw new Error(r.error.message);
  await h.core.idle();
  const folder = join(h.dataDir, 'backups');
  expect((await h.core.call('backup.setPassphrase', { passphrase: PASS }, ctx)).ok).toBe(true);
  expect((await h.core.call('backup.configure', { folder, keep: 5 }, ctx)).ok).toBe(true);
  const b = await h.core.call('backup.run', {}, ctx);
  if (!b.ok) throw new Error(b.error.message);
  made = b.value.file;
}, 90_000);

afterAll(async () => {
  await h?.close();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('the backup file', () => {
  it('is one 0600 file with a manifest of counts and sums, and the passphrase is not stored anywhere', async () => {
    expect(statSync(made).mode & 0o777).toBe(0o600);
    const b = decodeBackup(readFileSync(made));
    const d = h.deps.db;
    const n = (t: string) => (d.prepare(`SELECT count(*) AS n FROM ${t}`).get() as { n: number }).n;
    expect(b.manifest.counts.payments).toBe(n('payments'));
    expect(b.manifest.counts.refunds).toBe(1);
    expect(b.manifest.counts.operators).toBe(1);
    expect(b.manifest.counts.auditRows).toBeGreaterThan(0);
    expect(b.manifest.schemaVersion).toBe((d.prepare('SELECT max(version) AS v FROM schema_migrations').get() as { v: number }).v);
    expect(b.manifest.sums.find((s) => s.currency === 'USD')).toMatchObject({ livemode: false, capturedMinor: 5000, refundedMinor: 1000 });
    expect(b.key.kdf).toMatchObject({ name: 'scrypt', r: 8, p: 1 });
    expect(b.key.kdf.N).toBeGreaterThanOrEqual(2 ** 15);
    expect(readFileSync(made).includes(Buffer.from(PASS))).toBe(false);
    expect(JSON.stringify(d.prepare('SELECT value FROM settings').all())).not.toContain(PASS);
    // the status Settings and the Overview show
    const s = await h.core.call('backup.status', {}, ctx);
    expect(s.ok && s.value).toMatchObject({ passphraseSet: true, stale: false, last: { file: made } });
  });

  it('changing the passphrase needs the current one', async () => {
    const r = await h.core.call('backup.setPassphrase', { passphrase: 'another long passphrase' }, ctx);
    expect(!r.ok && r.error).toMatchObject({ code: 'invalid_input', field: 'current' });
  });
});

describe('restore on another machine', () => {
  it('re-seals the vault with the new machine\'s protector; payments, refunds, audit log, operators and secrets work; the desk starts locked', async () => {
    const dataDir = tmp('paydesk-restore-');
    const r = await restoreBackup({ dataDir, from: made, passphrase: PASS, protector: createKeyFileProtector(dataDir), replace: false, now: Date.now() });
    expect(r.replacedTo).toBeNull();
    // a different key file from the original desk's: the vault was re-sealed, not copied
    expect(readFileSync(join(dataDir, 'vault.key'))).not.toEqual(readFileSync(join(h.dataDir, 'vault.key')));
    expect(statSync(join(dataDir, 'paydesk.sqlite')).mode & 0o777).toBe(0o600);
    const f = await restoreCore(dataDir);
    const core = f.core;
    try {
      expect(core.info().startupError).toBeNull();
      // locked: the desk session is in memory, and the restored desk has an owner
      const locked = await core.call('payments.list', {}, ctx);
      expect(!locked.ok && locked.error.code).toBe('locked');
      const ops = core.deps!.db.prepare('SELECT id FROM operators').all() as { id: string }[];
      expect((await core.call('desk.signIn', { operatorId: ops[0]!.id, pin: '482913' }, ctx)).ok).toBe(true);
      const pays = await core.call('payments.list', {}, ctx);
      expect(pays.ok && pays.value.total).toBe(r.manifest.counts.payments);
      const audit = await core.call('audit.list', { limit: 200 }, ctx);
      expect(audit.ok && audit.value.items.some((e) => e.action === 'refund.requested')).toBe(true);
      // the sealed secrets open with the re-sealed key, and work against the gateway
      const acc = core.deps!.repos.accounts.get(h.stripeAccount)!;
      expect(core.deps!.vault.get(acc.secretKeyRef!)).toBe(h.sandbox.keys.STRIPE_SECRET_KEY);
      const verified = await core.call('accounts.verify', { id: h.stripeAccount }, ctx);
      expect(verified.ok).toBe(true);
      const refunds = core.deps!.db.prepare('SELECT count(*) AS n FROM refunds').get() as { n: number };
      expect(refunds.n).toBe(1);
    } finally {
      await f.dispose();
    }
  }, 60_000);

  it('over an existing desk: refused without confirmation, and with it the old desk is copied aside first', async () => {
    const dataDir = tmp('paydesk-replace-');
    await restoreBackup({ dataDir, from: made, passphrase: PASS, protector: createKeyFileProtector(dataDir), replace: false, now: Date.now() });
    const before = fingerprint(dataDir);
    await expect(restoreBackup({ dataDir, from: made, passphrase: PASS, protector: createKeyFileProtector(dataDir), replace: false, now: Date.now() }))
      .rejects.toThrow(/already holds a desk.*Nothing was changed/);
    expect(fingerprint(dataDir)).toEqual(before);
    const r = await restoreBackup({ dataDir, from: made, passphrase: PASS, protector: createKeyFileProtector(dataDir), replace: true, now: Date.UTC(2026, 0, 2, 3, 4, 5) });
    expect(r.replacedTo).toBe(join(dataDir, 'replaced-20260102-030405'));
    const old = new Database(join(r.replacedTo!, 'paydesk.sqlite'), { readonly: true });
    expect((old.prepare('SELECT count(*) AS n FROM payments').get() as { n: number }).n).toBe(r.manifest.counts.payments);
    old.close();
  }, 30_000);

  it('refuses while a running Paydesk has the data folder open', async () => {
    const live = join(h.dataDir, 'paydesk.sqlite');
    const before = sha256(readFileSync(live));
    await expect(restoreBackup({ dataDir: h.dataDir, from: made, passphrase: PASS, protector: createKeyFileProtector(h.dataDir), replace: true, now: Date.now() }))
      .rejects.toThrow(/Paydesk is running with this data folder/);
    expect(sha256(readFileSync(live))).toEqual(before);
  });
});

describe('restore in the running app (a fresh install\'s first screen, Settings → Backup)', () => {
  it('shows the manifest, stages the checked and re-sealed desk, and the next start opens it, locked', async () => {
    const dataDir = tmp('paydesk-fresh-');
    const f = await restoreCore(dataDir);
    let core = f.core;
    try {
      const seen = await core.call('backup.inspect', { file: made }, ctx);
      expect(seen.ok && seen.value).toMatchObject({ replacesDesk: false, manifest: { counts: { refunds: 1, operators: 1 } } });
      const wrong = await core.call('backup.restore', { file: made, passphrase: 'not it at all' }, ctx);
      expect(!wrong.ok && wrong.error.message).toMatch(/passphrase does not open this backup/);
      expect(existsSync(join(dataDir, 'paydesk.sqlite.restored'))).toBe(false);
      const r = await core.call('backup.restore', { file: made, passphrase: PASS }, ctx);
      expect(r.ok && r.value).toMatchObject({ restartNeeded: true, replacesDesk: false });
      // the next start, on the same data dir, opens the staged desk
      await f.restart();
      core = f.core;
      expect(core.info().startupError).toBeNull();
      expect(existsSync(join(dataDir, 'paydesk.sqlite.restored'))).toBe(false);
      const locked = await core.call('payments.list', {}, ctx);
      expect(!locked.ok && locked.error.code).toBe('locked');
      const acc = core.deps!.repos.accounts.get(h.stripeAccount)!;
      expect(core.deps!.vault.get(acc.secretKeyRef!)).toBe(h.sandbox.keys.STRIPE_SECRET_KEY);
      // now a desk is here: replacing it needs the confirmation
      const again = await core.call('backup.restore', { file: made, passphrase: PASS }, ctx);
      expect(!again.ok && again.error.code).toBe('locked');
    } finally {
      await f.dispose();
    }
  }, 60_000);

  it('over a desk with data: refused without the confirmation', async () => {
    const r = await h.core.call('backup.restore', { file: made, passphrase: PASS }, ctx);
    expect(!r.ok && r.error).toMatchObject({ code: 'conflict', field: 'replace' });
    expect(existsSync(join(h.dataDir, 'paydesk.sqlite.restored'))).toBe(false);
  });
});

describe('refusals: a clear message, and nothing changed', () => {
  const refused = async (from: string, passphrase: string, message: RegExp): Promise<void> => {
    const dataDir = tmp('paydesk-refuse-');
    const before = fingerprint(dataDir);
    await expect(restoreBackup({ dataDir, from, passphrase, protector: createKeyFileProtector(dataDir), replace: true, now: Date.now() })).rejects.toThrow(message);
    expect(fingerprint(dataDir)).toEqual(before);
  };
  const variant = (name: string, data: Buffer): string => {
    const f = join(tmp('paydesk-bad-'), name);
    writeFileSync(f, data);
    return f;
  };

  it('wrong passphrase', async () => {
    await refused(made, 'not the passphrase at all', /passphrase does not open this backup.*Nothing was changed/);
  });

  it('truncated file', async () => {
    const data = readFileSync(made);
    await refused(variant('cut', data.subarray(0, data.length - 100)), PASS, /damaged or incomplete.*Nothing was changed/);
    await refused(variant('tiny', data.subarray(0, 10)), PASS, /damaged or incomplete|not a Paydesk backup/);
  });

  it('a flipped byte, in the snapshot or in the manifest, even with the checksum recomputed', async () => {
    const data = Buffer.from(readFileSync(made));
    const flip = (at: number, fixSum: boolean): Buffer => {
      const b = Buffer.from(data);
      b[at] = b[at]! ^ 0x01;
      if (fixSum) b.set(Buffer.from(sha256(b.subarray(0, b.length - 32)), 'hex'), b.length - 32);
      return b;
    };
    await refused(variant('flip', flip(data.length - 500, false)), PASS, /damaged or incomplete/);
    // an attacker who recomputes the plain checksum is still caught by the authentication
    await refused(variant('forged', flip(data.length - 500, true)), PASS, /modified after it was written/);
    const header = data.indexOf(Buffer.from('"payments":'));
    const forged = Buffer.from(data);
    forged[header + 11] = forged[header + 11] === 0x39 ? 0x38 : forged[header + 11]! + 1; // a different count in the manifest
    forged.set(Buffer.from(sha256(forged.subarray(0, forged.length - 32)), 'hex'), forged.length - 32);
    await refused(variant('manifest', forged), PASS, /modified after it was written/);
  });

  it('a backup from a newer schema, and a file that is not a backup', async () => {
    const dataKey = randomBytes(32);
    const snapshot = Buffer.from('SQLite format 3\u0000');
    const manifest = { ...decodeBackup(readFileSync(made)).manifest, schemaVersion: 999, appVersion: '9.0.0', snapshotSha256: sha256(snapshot), snapshotBytes: snapshot.length };
    const newer = encodeBackup({ manifest, key: await wrapDataKey(dataKey, PASS), dataKey, snapshot });
    await refused(variant('newer', newer), PASS, /newer version of Paydesk \(Paydesk 9\.0\.0, database version 999.*Update Paydesk/);
    await refused(variant('other', Buffer.from('hello')), PASS, /not a Paydesk backup/);
  });
});

describe('a consistent snapshot while webhooks are being ingested', () => {
  it('every event acknowledged before the backup began is in it; none is half-applied', async () => {
    const file = tempDbFile();
    const db = openFixtureDb(file);
    const ingest = createIngest({ ...ingestDeps(db), getSecret: getFixtureSecret });
    const N = 400;
    for (let i = 0; i < N; i++) seedPayment(db, `pd_c${i}`, 'stripe', 1000 + i);
    const acked = new Set<string>();
    const send = async (i: number): Promise<void> => {
      const body = stripePaidEvent(`evt_c${i}`, `pd_c${i}`, 1000 + i);
      const r = await Promise.resolve(ingest.handle({ gateway: 'stripe', accountId: 'acc_stripe_test', headers: signStripe(body).headers, body: Buffer.from(body), receivedAt: Date.now() }));
      if (r.status === 200) acked.add(`evt_c${i}`);
    };
    const firing = (async () => {
      for (let i = 0; i < N; i += 10) await Promise.all(Array.from({ length: 10 }, (_, k) => send(i + k)));
    })();
    // some events in before the backup starts, many arriving during it
    while (acked.size < 50) await new Promise((r) => setTimeout(r, 1));
    const ackedAtStart = new Set(acked);
    const dataKey = randomBytes(32);
    const out = join(tmp('paydesk-live-'), 'live.paydesk-backup');
    const w = await writeBackup({ snapshots: snapshotRepo(db), workDir: tmp('paydesk-work-'), dataKey, key: await wrapDataKey(dataKey, PASS), appVersion: 'test', now: Date.now(), to: out });
    await firing;
    await ingest.close();
    db.close();

    const b = decodeBackup(readFileSync(out));
    const snapFile = join(tmp('paydesk-snap-'), 's.sqlite');
    writeFileSync(snapFile, b.open(await unwrapDataKey(b.key, PASS)));
    const snap = new Database(snapFile, { readonly: true });
    const events = snap.prepare('SELECT event_id, applied_at FROM webhook_events').all() as { event_id: string; applied_at: number | null }[];
    const ids = new Set(events.map((e) => e.event_id));
    for (const e of ackedAtStart) expect(ids.has(e)).toBe(true);
    // applied events and paid payments match one for one: no event without its effect, no effect without its event
    const paid = snap.prepare("SELECT id, captured_minor, amount_minor FROM payments WHERE status = 'paid'").all() as { id: string; captured_minor: number; amount_minor: number }[];
    const applied = events.filter((e) => e.applied_at !== null).map((e) => e.event_id.replace('evt_c', 'pd_c')).sort();
    expect(paid.map((p) => p.id).sort()).toEqual(applied);
    for (const p of paid) expect(p.captured_minor).toBe(p.amount_minor);
    expect(w.manifest.counts.payments).toBe(N);
    expect(snap.pragma('integrity_check', { simple: true })).toBe('ok');
    snap.close();
    rmSync(join(file, '..'), { recursive: true, force: true });
  }, 60_000);
});

describe('the schedule', () => {
  it('runs when due, prunes to keep N, and says when backups are stale', async () => {
    const dataDir = tmp('paydesk-sched-');
    const folder = join(dataDir, 'out');
    const db = openFixtureDb(join(dataDir, 'paydesk.sqlite'));
    let now = Date.UTC(2026, 0, 1, 9, 0, 0);
    const settings = settingsRepo(sqliteSql(db), () => now);
    const dataKey = randomBytes(32);
    const svc = createBackupService({ backup: backupRepo(db), snapshots: snapshotRepo(db), dataDir, settings, dataKey: async () => dataKey, appVersion: 'test', now: () => now, log: () => {} });
    expect(await svc.tick()).toBe(false); // no passphrase, no folder: nothing to do
    await svc.setPassphrase(PASS);
    svc.configure({ folder, keep: 3, everyHours: 24 });
    expect(svc.status().stale).toBe(true); // a schedule and no backup yet
    const runs: boolean[] = [];
    for (let i = 0; i < 6; i++) {
      runs.push(await svc.tick()); // due: runs
      now += 60 * 60 * 1000;
      runs.push(await svc.tick()); // an hour later: not due
      now += 24 * 60 * 60 * 1000;
    }
    expect(runs).toEqual([true, false, true, false, true, false, true, false, true, false, true, false]);
    const files = readdirSync(folder).sort();
    expect(files).toHaveLength(3);
    expect(files.at(-1)).toBe(readdirSync(folder).sort().at(-1));
    expect(svc.status().last?.file).toBe(join(folder, files.at(-1)!));
    // 25 h after the last backup + 1 h grace: stale
    expect(svc.status().stale).toBe(false);
    now += 2 * 60 * 60 * 1000;
    expect(svc.status().stale).toBe(true);
    // a file that is not one of ours is never pruned
    writeFileSync(join(folder, 'notes.txt'), 'keep me');
    now += 24 * 60 * 60 * 1000;
    await svc.tick();
    expect(readdirSync(folder)).toContain('notes.txt');
    expect(readdirSync(folder).filter((f) => f.endsWith('.paydesk-backup'))).toHaveLength(3);
    await svc.stop();
    db.close();
  }, 60_000);
});
