// Crash test: the real listener + ingest in a child process is SIGKILLed in the middle of a webhook load.
// After a restart on the same database, every event that had been acknowledged with a 2xx is in
// webhook_events and applied exactly once.
import { afterEach, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { request, Agent } from 'node:http';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import {
  openFixtureDb,
  razorpayCapturedEvent,
  seedPayment,
  signRazorpay,
  signStripe,
  stripePaidEvent,
  tempDbFile,
  type SignedRequest,
} from '../../../fixtures/webhook-helpers';

const HOST = fileURLToPath(new URL('../../../fixtures/webhook-host.ts', import.meta.url));
const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

function startHost(dbFile: string): Promise<{ child: ChildProcess; port: number; appliedAtStart: number }> {
  const child = spawn(process.execPath, ['--import', 'tsx', HOST, dbFile], { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /READY (\d+) (\d+)/.exec(out);
      if (m) resolve({ child, port: Number(m[1]), appliedAtStart: Number(m[2]) });
    });
    child.once('exit', (code, signal) => reject(new Error(`host exited (${code ?? signal}) before it was ready: ${out}`)));
  });
}

function post(port: number, r: SignedRequest, agent: Agent): Promise<number> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, method: 'POST', path: r.path, headers: r.headers, agent }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
      res.on('error', () => resolve(0));
    });
    req.on('error', () => resolve(0)); // the host was killed: no answer
    req.end(r.body);
  });
}

describe('webhook host killed mid-load', () => {
  it('every acknowledged event survives and is applied exactly once after restart', async () => {
    const file = tempDbFile('paydesk-crash-');
    const N = 600;
    const seed = openFixtureDb(file);
    seed.transaction(() => {
      for (let i = 0; i < N; i++) seedPayment(seed, `pd_k${i}`, i % 2 ? 'razorpay' : 'stripe', 1_000);
    })();
    seed.close();

    const reqs: SignedRequest[] = [];
    for (let i = 0; i < N; i++) {
      reqs.push(i % 2 ? signRazorpay(razorpayCapturedEvent(`pay_k${i}`, `pd_k${i}`, 1_000), `evt_rz_k${i}`) : signStripe(stripePaidEvent(`evt_k${i}`, `pd_k${i}`, 1_000)));
    }

    const first = await startHost(file);
    const agent = new Agent({ keepAlive: true, maxSockets: 16 });
    const acked = new Set<string>();
    let answered = 0;
    let killed = false;
    const killAfter = 150 + Math.floor(Math.random() * 150);
    await Promise.all(
      reqs.map(async (r) => {
        const status = await post(first.port, r, agent);
        if (status >= 200 && status < 300) acked.add(r.eventId);
        answered++;
        if (!killed && answered >= killAfter) {
          killed = true;
          first.child.kill('SIGKILL');
        }
      }),
    );
    agent.destroy();
    expect(killed).toBe(true);
    expect(acked.size).toBeGreaterThan(0);
    expect(acked.size).toBeLessThan(N); // it really died mid-load

    const second = await startHost(file);
    const db = new Database(file, { readonly: true });
    try {
      const rows = db.prepare('SELECT id, event_id, applied_at, apply_result, payment_id FROM webhook_events').all() as {
        id: number;
        event_id: string;
        applied_at: number | null;
        apply_result: string | null;
        payment_id: string | null;
      }[];
      const stored = new Map(rows.map((r) => [r.event_id, r]));
      // every 2xx is a stored row, and every stored row is applied (at the latest by the restart)
      for (const id of acked) expect(stored.has(id), id).toBe(true);
      for (const r of rows) {
        expect(r.applied_at).not.toBeNull();
        expect(r.apply_result).toBe('changed');
      }
      // exactly once: each event left one timeline entry per fact (Stripe: captured; Razorpay: captured + fee), never more
      const perEvent = db.prepare('SELECT webhook_event_id AS id, count(*) AS n, min(kind) AS k FROM payment_events GROUP BY webhook_event_id').all() as { id: number; n: number }[];
      const timeline = new Map(perEvent.map((e) => [e.id, e.n]));
      for (const r of rows) expect(timeline.get(r.id), r.event_id).toBe(r.event_id.startsWith('evt_rz_') ? 2 : 1);
      expect(perEvent.length).toBe(rows.length);
      // and the money counted once: each stored event paid its own payment, nothing else is paid
      const paid = db.prepare("SELECT id, captured_minor FROM payments WHERE status = 'paid'").all() as { id: string; captured_minor: number }[];
      expect(paid.length).toBe(rows.length);
      for (const p of paid) expect(p.captured_minor).toBe(1_000);
      const paidIds = new Set(paid.map((p) => p.id));
      for (const r of rows) expect(paidIds.has(r.payment_id!)).toBe(true);
      // (how many the restart had to apply depends on where the kill landed: second.appliedAtStart >= 0)
      expect(second.appliedAtStart).toBeLessThanOrEqual(rows.length);
    } finally {
      db.close();
      second.child.kill('SIGTERM');
    }
  }, 120_000);
});
