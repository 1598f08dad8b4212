// After connecting accounts with known secrets, setting an ngrok authtoken and a Razorpay webhook secret:
// no RPC response, SSE message, event core pushed (core.onEvent, what IPC forwards too), log line, or byte of
// the database files (db, -wal, -shm) or anything else in the data dir contains any secret in plain text.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectHttp, type HttpClient } from '../contract/http-client';
import { startHarness, type Harness } from '../contract/harness';

const STRIPE_WHSEC = 'whsec_LeakTestStripeWebhookSecret9f8e7d6c5b4a';
const RZP_WEBHOOK_SECRET = 'LeakTestRazorpayHookSecret7d6c';
const WRONG_STRIPE = 'sk_test_LeakTestWrongStripeKey1234567890';
const WRONG_RZP = 'LeakTestWrongRazorpaySecret42';
const WHSEC_2 = 'whsec_LeakTestReplacementSecret0a1b2c3d4e';
const NGROK_AUTHTOKEN = '2LeakTestNgrokAuthtoken_5f4e3d2c1b0a9z8y';
const RZP_WEBHOOK_SECRET_2 = 'LeakTestRazorpayHookSecretNew8e7f';

function scanDir(dir: string): { file: string; bytes: Buffer }[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    const st = statSync(p);
    // the edge listener's socket entry is not a file with contents
    if (st.isDirectory()) return scanDir(p);
    return st.isFile() ? [{ file: p, bytes: readFileSync(p) }] : [];
  });
}

describe('secrets never leak', () => {
  let h: Harness;
  let client: HttpClient;
  let secrets: string[] = [];

  beforeAll(async () => {
    h = await startHarness();
    client = await connectHttp(h.host.origin, h.host.token);
  });
  afterAll(async () => {
    await client?.close();
    await h?.close();
  });

  it('connects accounts with known secrets, and no response, event, log line or file byte contains one', async () => {
    const k = h.sandbox!.keys;
    secrets = [k.STRIPE_SECRET_KEY, k.RAZORPAY_KEY_SECRET, STRIPE_WHSEC, RZP_WEBHOOK_SECRET, WRONG_STRIPE, WRONG_RZP, WHSEC_2, NGROK_AUTHTOKEN, RZP_WEBHOOK_SECRET_2];

    const stripe = await client.call('accounts.create', {
      gateway: 'stripe', mode: 'test', label: 'Leak Stripe', publicKey: k.STRIPE_PUBLISHABLE_KEY, secretKey: k.STRIPE_SECRET_KEY, webhookSecret: STRIPE_WHSEC, sandbox: true,
    });
    expect(stripe.ok).toBe(true);
    const rzp = await client.call('accounts.create', {
      gateway: 'razorpay', mode: 'test', label: 'Leak Razorpay', publicKey: k.RAZORPAY_KEY_ID, secretKey: k.RAZORPAY_KEY_SECRET, webhookSecret: RZP_WEBHOOK_SECRET, sandbox: true,
    });
    expect(rzp.ok).toBe(true);
    // refusals travel through the SDK error paths and the log
    expect((await client.call('accounts.create', { gateway: 'stripe', mode: 'test', label: 'x', publicKey: k.STRIPE_PUBLISHABLE_KEY, secretKey: WRONG_STRIPE, sandbox: true })).ok).toBe(false);
    expect((await client.call('accounts.create', { gateway: 'razorpay', mode: 'test', label: 'x', publicKey: k.RAZORPAY_KEY_ID, secretKey: WRONG_RZP, sandbox: true })).ok).toBe(false);
    const id = (stripe as { value: { id: string } }).value.id;
    expect((await client.call('accounts.update', { id, secretKey: WRONG_STRIPE })).ok).toBe(false);
    expect((await client.call('accounts.update', { id, webhookSecret: WHSEC_2 })).ok).toBe(true);
    const rzpId = (rzp as { value: { id: string } }).value.id;
    expect((await client.call('accounts.update', { id: rzpId, webhookSecret: RZP_WEBHOOK_SECRET_2 })).ok).toBe(true);
    // the tunnel's secret: stored, then read back only as "configured"
    const tunnel = await client.call('tunnel.configure', { authtoken: NGROK_AUTHTOKEN });
    expect(tunnel.ok).toBe(true);
    expect((await client.call('tunnel.status', {})).ok).toBe(true);
    expect((await client.call('webhooks.setup', {})).ok).toBe(true);
    // a secret pasted into the public field is refused without being echoed
    expect((await client.call('accounts.create', { gateway: 'stripe', mode: 'test', label: 'x', publicKey: WRONG_STRIPE, secretKey: k.STRIPE_SECRET_KEY })).ok).toBe(false);
    expect((await client.call('accounts.verify', { id })).ok).toBe(true);
    expect((await client.call('accounts.list', {})).ok).toBe(true);
    expect((await client.call('system.info', {})).ok).toBe(true);
    // anything core itself logs goes through redaction, including vault secrets without a prefix
    h.core.deps!.log('error', `oops ${k.RAZORPAY_KEY_SECRET} ${STRIPE_WHSEC}`, { error: new Error(`failed with ${k.STRIPE_SECRET_KEY}`), auth: { password: RZP_WEBHOOK_SECRET } });
    await new Promise((r) => setTimeout(r, 200)); // let the last SSE chunks arrive

    const rpcAndSse = client.raw.join('\n');
    expect(client.raw.some((c) => c.includes('event: account.changed'))).toBe(true);
    const pushed = JSON.stringify(h.events);
    expect(h.events.filter((e) => e.name === 'account.changed').length).toBeGreaterThanOrEqual(3);
    const logs = JSON.stringify(h.logs);
    expect(logs).toContain('[redacted]');
    const files = scanDir(h.dataDir).filter((f) => !f.file.endsWith('sandbox-state.json'));
    expect(files.map((f) => f.file).some((f) => f.endsWith('paydesk.sqlite-wal'))).toBe(true);

    for (const s of secrets) {
      const tag = `secret ending ${s.slice(-4)}`;
      expect(rpcAndSse.includes(s), `RPC/SSE contained ${tag}`).toBe(false);
      expect(pushed.includes(s), `a pushed event contained ${tag}`).toBe(false);
      expect(logs.includes(s), `log contained ${tag}`).toBe(false);
      for (const f of files) expect(f.bytes.includes(Buffer.from(s, 'utf8')), `${f.file} contained ${tag}`).toBe(false);
    }
  });

  it('the database file stays clean after a checkpoint and restart', async () => {
    expect(secrets.length, 'the first test set the secrets').toBeGreaterThan(0);
    const dataDir = h.dataDir;
    await client.close();
    await h.host.close();
    // closing the last connection checkpoints the WAL into the database file and removes it
    await h.core.close();
    const wal = join(dataDir, 'paydesk.sqlite-wal');
    expect(existsSync(wal) ? statSync(wal).size : 0, 'the WAL was checkpointed').toBe(0);
    const again = await startHarness({ dataDir, sandbox: true });
    try {
      const c2 = await connectHttp(again.host.origin, again.host.token);
      const list = await c2.call('accounts.list', {});
      expect(list.ok).toBe(true);
      await c2.close();
      const text = JSON.stringify(list) + JSON.stringify(again.logs);
      for (const s of secrets) {
        expect(text.includes(s)).toBe(false);
        for (const f of scanDir(dataDir).filter((x) => !x.file.endsWith('sandbox-state.json'))) expect(f.bytes.includes(Buffer.from(s, 'utf8')), f.file).toBe(false);
      }
    } finally {
      await again.close();
    }
  });
});
