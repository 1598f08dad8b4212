import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createClock } from '../../../sandbox/core/clock.js';
import { createStateStore } from '../../../sandbox/core/state.js';
import { createWebhookDispatcher, razorpaySigner, type SandboxWebhookDispatcher } from '../../../sandbox/core/webhooks.js';
import type { OutgoingEvent } from '../../../sandbox/core/types.js';
import { createHmac } from 'node:crypto';

let server: Server | null = null;
let dispatcher: SandboxWebhookDispatcher | null = null;
afterEach(async () => {
  dispatcher?.close();
  if (server) await new Promise<void>((r) => server!.close(() => r()));
  server = null;
});

/** statuses: answers in order (the last repeats); 0 = never answer */
async function listen(statuses: number[]): Promise<{ url: string; bodies: Array<{ body: string; sig: string | undefined }> }> {
  const bodies: Array<{ body: string; sig: string | undefined }> = [];
  let i = 0;
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const status = statuses[Math.min(i++, statuses.length - 1)]!;
      bodies.push({ body: Buffer.concat(chunks).toString(), sig: req.headers['x-razorpay-signature'] as string | undefined });
      if (status !== 0) res.writeHead(status).end();
    });
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server!.address() as AddressInfo).port}/`, bodies };
}

const event = (id: string): OutgoingEvent => ({ gateway: 'razorpay', id, type: 'payment.captured', body: JSON.stringify({ id }), createdAt: 0, headers: { 'x-razorpay-event-id': id } });

describe('webhook dispatcher', () => {
  it('signs, retries on 500 and on timeout, and logs every attempt', async () => {
    const hook = await listen([500, 0, 200]);
    dispatcher = createWebhookDispatcher({ clock: createClock(), state: createStateStore(), retryScheduleMs: [10, 10, 10], timeoutMs: 300 });
    dispatcher.upsertTarget({ id: 't1', gateway: 'razorpay', url: hook.url, secret: 'sec', events: ['*'], enabled: true, chaos: {} });
    dispatcher.emit(event('evt_1'));
    await dispatcher.idle();
    expect(dispatcher.deliveries().map((d) => [d.attempt, d.status, d.ok])).toEqual([[1, 500, false], [2, null, false], [3, 200, true]]);
    expect(hook.bodies[0]!.sig).toBe(createHmac('sha256', 'sec').update('{"id":"evt_1"}').digest('hex'));
    expect(razorpaySigner('x', 'k', 0)['X-Razorpay-Signature']).toHaveLength(64);
  });

  it('disables a Razorpay target after the retries run out, and honours event filters', async () => {
    const hook = await listen([503]);
    dispatcher = createWebhookDispatcher({ clock: createClock(), state: createStateStore(), retryScheduleMs: [5] });
    dispatcher.upsertTarget({ id: 't1', gateway: 'razorpay', url: hook.url, secret: 's', events: ['payment.captured'], enabled: true, chaos: {} });
    dispatcher.emit({ ...event('evt_x'), type: 'order.paid' });
    dispatcher.emit(event('evt_2'));
    await dispatcher.idle();
    expect(hook.bodies).toHaveLength(2);
    expect(dispatcher.targets('razorpay')[0]!.enabled).toBe(false);
  });

  it('reorders batches and delivers duplicates', async () => {
    const hook = await listen([200]);
    dispatcher = createWebhookDispatcher({ clock: createClock(), state: createStateStore() });
    dispatcher.upsertTarget({ id: 't1', gateway: 'razorpay', url: hook.url, secret: 's', events: ['*'], enabled: true, chaos: { reorder: 2 } });
    for (const id of ['a', 'b', 'c']) dispatcher.emit(event(id));
    await dispatcher.idle();
    expect(hook.bodies.map((b) => JSON.parse(b.body).id)).toEqual(['b', 'a', 'c']);
    dispatcher.setTargetChaos('t1', { duplicate: true });
    dispatcher.emit(event('d'));
    await dispatcher.idle();
    expect(hook.bodies.map((b) => JSON.parse(b.body).id).slice(3)).toEqual(['d', 'd']);
  });
});

describe('clock', () => {
  it('only moves forward and runs listeners', () => {
    let real = 1_000;
    const clock = createClock(0, () => real);
    const seen: number[] = [];
    clock.onAdvance((now) => seen.push(now));
    clock.advance(500);
    real = 2_000;
    expect(clock.now()).toBe(2_500);
    expect(seen).toEqual([1_500]);
    expect(() => clock.advance(-1)).toThrow(RangeError);
  });
});
