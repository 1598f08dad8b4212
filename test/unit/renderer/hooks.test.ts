import { QueryObserver, notifyManager } from '@tanstack/react-query';
import { describe, expect, it } from 'vitest';
import { eventNames, methodNames } from '../../../shared/contract';
import { EVENT_INVALIDATIONS, createRpcQueryClient, domainOf } from '../../../renderer/src/api/hooks';

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

describe('when components hear of new data', () => {
  it('in the task that brought the data, before a timer set at the same moment', async () => {
    const client = createRpcQueryClient();
    const observer = new QueryObserver<number>(client, { queryKey: ['system.info', {}], enabled: false });
    const heard: string[] = [];
    // subscribed as useQuery subscribes a component: through notifyManager.batchCalls
    const off = observer.subscribe(notifyManager.batchCalls((r) => heard.push(`data ${r.data}`)));
    setTimeout(() => heard.push('next task'), 0);
    client.setQueryData(['system.info', {}], 1);
    await new Promise((r) => setTimeout(r, 5));
    off();
    expect(heard).toEqual(['data 1', 'next task']);
  });
});
