// The start-up gate: deferrable work waits for the first screen's data (calls answered, then quiet), at the
// latest a fixed time after start; idle() and close() open it at once.
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { createStartupGate } from '../../../electron/core/startup-gate';

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

function watch(opened: Promise<void>): { readonly open: boolean } {
  const state = { open: false };
  void opened.then(() => (state.open = true));
  return state;
}

const answerIn = (ms: number) => () => new Promise<string>((r) => setTimeout(() => r('ok'), ms));

it('opens once the first calls are answered and none has been in flight for the quiet time', async () => {
  const gate = createStartupGate({ quietMs: 150, latestMs: 2000 });
  const state = watch(gate.opened);
  const first = Promise.all([gate.around(answerIn(50)), gate.around(answerIn(80))]);
  await vi.advanceTimersByTimeAsync(80);
  await expect(first).resolves.toEqual(['ok', 'ok']);
  // the screen's own data is asked for just after the account list answers: the quiet time starts again
  await vi.advanceTimersByTimeAsync(20);
  const screen = gate.around(answerIn(100));
  await vi.advanceTimersByTimeAsync(200);
  await screen;
  expect(state.open).toBe(false);
  await vi.advanceTimersByTimeAsync(60);
  expect(state.open).toBe(true);
});

it('stays shut while a call is in flight, however long it takes, until the latest time', async () => {
  const gate = createStartupGate({ quietMs: 150, latestMs: 2000 });
  const state = watch(gate.opened);
  void gate.around(answerIn(5000));
  await vi.advanceTimersByTimeAsync(1990);
  expect(state.open).toBe(false);
  await vi.advanceTimersByTimeAsync(20);
  expect(state.open).toBe(true);
});

it('opens at the latest time on a desk nobody opens, and at once when asked', async () => {
  const untouched = createStartupGate({ quietMs: 150, latestMs: 2000 });
  const state = watch(untouched.opened);
  await vi.advanceTimersByTimeAsync(1999);
  expect(state.open).toBe(false);
  await vi.advanceTimersByTimeAsync(1);
  expect(state.open).toBe(true);

  const asked = createStartupGate({ quietMs: 150, latestMs: 2000 });
  const now = watch(asked.opened);
  asked.open();
  await vi.advanceTimersByTimeAsync(0);
  expect(now.open).toBe(true);
});

it('passes answers and errors through, before and after it opens', async () => {
  const gate = createStartupGate({ quietMs: 10, latestMs: 100 });
  await expect(gate.around(async () => 42)).resolves.toBe(42);
  await expect(gate.around(async () => Promise.reject(new Error('refused')))).rejects.toThrow('refused');
  gate.open();
  await expect(gate.around(async () => 'after')).resolves.toBe('after');
});
