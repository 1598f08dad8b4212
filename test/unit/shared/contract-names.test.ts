// shared/contract-names.ts lists every method and event by name without the schemas (the renderer's first
// chunk uses it instead of the contract). tsc checks the lists cover the contract; this checks equality both ways.
import { describe, expect, it } from 'vitest';
import { EVENT_NAMES, METHOD_NAMES, isEventName, isMethodName } from '../../../shared/contract-names';
import { eventNames, methodNames } from '../../../shared/contract';

describe('contract names', () => {
  it('lists exactly the contract methods and events', () => {
    expect([...METHOD_NAMES].sort()).toEqual([...methodNames].sort());
    expect([...EVENT_NAMES].sort()).toEqual([...eventNames].sort());
    expect(new Set(METHOD_NAMES).size).toBe(METHOD_NAMES.length);
  });

  it('recognises names, nothing else', () => {
    expect(isMethodName('payments.list')).toBe(true);
    expect(isMethodName('payments.nope')).toBe(false);
    expect(isMethodName('__proto__')).toBe(false);
    expect(isMethodName(42)).toBe(false);
    expect(isEventName('payment.changed')).toBe(true);
    expect(isEventName('toString')).toBe(false);
  });
});
