import { describe, expect, it } from 'vitest';
import { eventNames, methodNames } from '../../../shared/contract';
import { EVENT_INVALIDATIONS, domainOf } from '../../../renderer/src/api/hooks';

describe('event -> invalidation table', () => {
  it('has exactly one row per contract event', () => {
    expect(Object.keys(EVENT_INVALIDATIONS).sort()).toEqual([...eventNames].sort());
  });

  it('names only domains that have methods', () => {
    const domains = new Set(methodNames.map(domainOf));
    for (const [event, targets] of Object.entries(EVENT_INVALIDATIONS)) {
      // an empty list is allowed: the event is read directly by a screen (e.g. export progress) and invalidates nothing
      for (const d of targets) expect(domains.has(d), `${event} -> ${d}`).toBe(true);
    }
  });

  it('account.changed refreshes the accounts queries', () => {
    expect(EVENT_INVALIDATIONS['account.changed']).toContain('accounts');
  });

  it('domainOf takes the part before the first dot', () => {
    expect(domainOf('accounts.list')).toBe('accounts');
    expect(domainOf('system.info')).toBe('system');
    expect(domainOf(42)).toBe('');
  });
});
