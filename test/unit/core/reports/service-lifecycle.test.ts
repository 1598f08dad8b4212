// The reports service's daily refresh runs only between start() and stop(): the composition root owns it.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createReportsService, type ReportsServiceDeps } from '../../../../electron/core/reports/service';

function fakeDeps(): { deps: ReportsServiceDeps; listed: () => number } {
  let listed = 0;
  const settings = new Map<string, unknown>();
  const deps = {
    repos: {
      accounts: { list: () => { listed++; return []; }, get: () => undefined },
      settings: { get: (k: string, _s: unknown, fallback: unknown) => settings.get(k) ?? fallback, set: (k: string, v: unknown) => settings.set(k, v), remove: (k: string) => settings.delete(k) },
    },
    transaction: <T>(fn: () => T): T => fn(),
    gateways: { client: () => { throw new Error('no gateway in this test'); } },
    events: { emit: () => undefined },
    clock: { now: () => Date.now() },
    log: () => undefined,
    firstRunDelayMs: 1_000,
    periodMs: 10_000,
  } as unknown as ReportsServiceDeps;
  return { deps, listed: () => listed };
}

describe('createReportsService', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('starts no timer until start(), refreshes daily after it, and stops for good on stop()', async () => {
    const { deps, listed } = fakeDeps();
    const svc = createReportsService(deps);
    await vi.advanceTimersByTimeAsync(50_000);
    expect(listed()).toBe(0);
    svc.start();
    svc.start(); // idempotent: still one timer
    await vi.advanceTimersByTimeAsync(1_000);
    expect(listed()).toBe(1);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(listed()).toBe(2);
    svc.stop();
    await vi.advanceTimersByTimeAsync(100_000);
    expect(listed()).toBe(2);
    expect(vi.getTimerCount()).toBe(0);
  });
});
