// The bench store shared by bench:payments and bench:start: BENCH_ROWS payments (default 100,000) over about a
// year under two test-mode bench accounts, written by direct SQL inserts following migration 002 (the FTS
// triggers index them as the app's own inserts would). Deterministic (a seeded PRNG): every run builds the same
// store. `prepareStore` makes the schema by starting the built browser host (BENCH_HOST's when set) once on
// the empty data dir. `benchRows` is the rows themselves, which payments-pg.ts loads into PostgreSQL.
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { TOKEN_HEADER, TOKEN_PARAM } from '../../shared/browser-auth';
import { startHost, type Host } from '../e2e/fixtures';
import { BENCH_HOST, spawnHost, stopHost } from './bench-host';

/** payments in the bench store (BENCH_ROWS, default 100,000) */
export const ROWS = Number(process.env.BENCH_ROWS ?? 100_000);
export const DB_FILE = 'paydesk.sqlite';

const STATUSES = [
  ['paid', 55],
  ['expired', 18],
  ['open', 10],
  ['cancelled', 9],
  ['failed', 8],
] as const;
export const FIRST = ['Asha', 'Ben', 'Chloé', 'Dmitri', 'Emi', 'Farah', 'Gustavo', 'Hana', 'Ivan', 'Jia', 'Kofi', 'Lena', 'Mateo', 'Nadia', 'Omar', 'Priya'];
export const LAST = ['Rao', 'Okafor', 'Martin', 'Ivanov', 'Tanaka', 'Haddad', 'Silva', 'Kim', 'Petrov', 'Chen', 'Mensah', 'Weber', 'Rossi', 'Khan', 'Ali', 'Nair'];
export const ACCOUNTS = [
  { id: 'acc_bench_stripe', gateway: 'stripe', label: 'Bench Stripe' },
  { id: 'acc_bench_razorpay', gateway: 'razorpay', label: 'Bench Razorpay' },
] as const;

/** a small deterministic PRNG, so every run builds the same store */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const hex = (r: () => number, n: number) => Array.from({ length: n }, () => Math.floor(r() * 16).toString(16)).join('');

export interface BenchRow {
  id: string;
  account: string;
  gateway: string;
  kind: string;
  orderRef: string;
  amount: number;
  currency: string;
  description: string;
  name: string | null;
  email: string | null;
  phone: string | null;
  status: string;
  reason: string | null;
  key: string;
  sessionId: string | null;
  plinkId: string | null;
  paymentId: string | null;
  url: string;
  expiresAt: number;
  paidAt: number | null;
  captured: number;
  createdAt: number;
}

/** The bench's payments, newest first, the same on every run and for both engines (only `now` moves them in time). */
export function* benchRows(rows: number, now: number): Generator<BenchRow> {
  const r = rng(42);
  const pick = (): string => {
    let x = r() * 100;
    for (const [s, w] of STATUSES) {
      if (x < w) return s;
      x -= w;
    }
    return 'paid';
  };
  for (let i = 0; i < rows; i++) {
    const a = ACCOUNTS[i % 3 === 0 ? 1 : 0]!;
    const stripe = a.gateway === 'stripe';
    const status = pick();
    // spread over ~a year, newest first at i = 0 (5 minutes apart, with jitter)
    const createdAt = now - i * 300_000 - Math.floor(r() * 60_000);
    const amount = (stripe ? 500 : 10_000) + Math.floor(r() * 500_000);
    const first = FIRST[Math.floor(r() * FIRST.length)]!;
    const last = LAST[Math.floor(r() * LAST.length)]!;
    const gid = hex(r, 24);
    yield {
      id: `pd_${hex(r, 20)}`,
      account: a.id,
      gateway: a.gateway,
      kind: stripe ? 'stripe_checkout' : 'razorpay_link',
      orderRef: `ORD-${String(i).padStart(7, '0')}`,
      amount,
      currency: stripe ? 'USD' : 'INR',
      description: r() < 0.5 ? 'Yoga class pass' : 'Invoice payment',
      name: r() < 0.85 ? `${first} ${last}` : null,
      email: r() < 0.8 ? `cust${i}@example.com` : null,
      phone: r() < 0.4 ? `+9198${String(10_000_000 + i).slice(-8)}` : null,
      status,
      reason: status === 'failed' ? 'Your card was declined.' : null,
      key: `bench-${i}`,
      sessionId: stripe ? `cs_test_${gid}` : null,
      plinkId: stripe ? null : `plink_${gid.slice(0, 14)}`,
      paymentId: status === 'paid' ? (stripe ? `pi_${gid}` : `pay_${gid.slice(0, 14)}`) : null,
      url: stripe ? `https://checkout.example/c/pay/cs_test_${gid}` : `https://rzp.example/${gid.slice(0, 10)}`,
      expiresAt: createdAt + 86_400_000,
      paidAt: status === 'paid' ? createdAt + 120_000 : null,
      captured: status === 'paid' ? amount : 0,
      createdAt,
    };
  }
}

/** The payments columns the bench fills, with the BenchRow field each takes (the rest keep their defaults). */
export const ROW_COLUMNS: readonly (readonly [string, keyof BenchRow | null])[] = [
  ['id', 'id'], ['account_id', 'account'], ['gateway', 'gateway'], ['kind', 'kind'], ['order_ref', 'orderRef'], ['gateway_ref', 'orderRef'],
  ['amount_minor', 'amount'], ['currency', 'currency'], ['description', 'description'], ['customer_name', 'name'], ['customer_email', 'email'],
  ['customer_phone', 'phone'], ['status', 'status'], ['status_reason', 'reason'], ['idempotency_key', 'key'], ['session_id', 'sessionId'],
  ['plink_id', 'plinkId'], ['gateway_payment_id', 'paymentId'], ['url', 'url'], ['expires_at', 'expiresAt'], ['paid_at', 'paidAt'],
  ['captured_minor', 'captured'], ['created_at', 'createdAt'], ['updated_at', 'createdAt'],
];

/** Fills `payments` (and two bench accounts) of a database already at the latest migration with `rows` payments. */
export function fill(dataDir: string, rows = ROWS): void {
  const db = new Database(join(dataDir, DB_FILE));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = OFF');
  db.pragma('cache_size = -262144');
  db.pragma('temp_store = MEMORY');
  const now = Date.now();
  const insAccount = db.prepare(`INSERT INTO accounts (id, gateway, mode, livemode, label, sandbox, verification_status, created_at, updated_at)
    VALUES (?, ?, 'test', 0, ?, 0, 'unverified', ?, ?)`);
  const ins = db.prepare(`INSERT INTO payments (id, account_id, gateway, livemode, kind, order_ref, gateway_ref, amount_minor, currency, description,
      customer_name, customer_email, customer_phone, notes, status, status_reason, refund_state, idempotency_key,
      session_id, plink_id, gateway_payment_id, url, expires_at, paid_at, captured_minor, created_by, created_at, updated_at)
    VALUES (@id, @account, @gateway, 0, @kind, @orderRef, @orderRef, @amount, @currency, @description, @name, @email, @phone, '{}', @status, @reason, 'none', @key,
      @sessionId, @plinkId, @paymentId, @url, @expiresAt, @paidAt, @captured, 'console', @createdAt, @createdAt)`);
  db.transaction(() => {
    for (const a of ACCOUNTS) insAccount.run(a.id, a.gateway, a.label, now, now);
    for (const row of benchRows(rows, now)) ins.run(row);
  })();
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
}

/** Resolves once the host answers an RPC (core is up), so nothing measured waits for its start. */
export async function coreReady(host: Pick<Host, 'url'>): Promise<void> {
  const url = new URL(host.url);
  const res = await fetch(`${url.origin}/rpc/system.ping`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', [TOKEN_HEADER]: url.searchParams.get(TOKEN_PARAM) ?? '' },
    body: '{}',
    // a host that started but never answers must not hang the bench
    signal: AbortSignal.timeout(60_000),
  });
  if (!res.ok) throw new Error(`bench: the host answered system.ping with HTTP ${res.status}`);
}

/** A data dir at the latest migration with `rows` payments: the host creates the schema, then `fill`. */
export async function prepareStore(dataDir: string, rows = ROWS): Promise<void> {
  // BENCH_HOST's build makes the schema it knows (a newer build's migrations would lock an older one out)
  if (BENCH_HOST) {
    const h = await spawnHost(dataDir, ['--sandbox', 'off']);
    await coreReady(h);
    await stopHost(h.proc);
  } else {
    const host = await startHost({ dataDir, sandbox: false });
    await coreReady(host);
    await host.stop();
  }
  const t0 = Date.now();
  fill(dataDir, rows);
  console.log(`filled ${rows.toLocaleString()} payments in ${((Date.now() - t0) / 1000).toFixed(1)} s (${dataDir})`);
}
