// react-query over the contract. Types come only from shared/contract.ts: a method's input and output are
// inferred from its zod schemas, so a renamed method or changed schema fails to compile here and in the screens.
//
// Query keys are [method, input]. Pushed events invalidate queries by *domain* (the part of the method name
// before the dot) through EVENT_INVALIDATIONS below: the one table that says which data an event changes.
import { createContext, createElement, useContext, useEffect, useMemo, type ReactNode } from 'react';
import {
  MutationCache,
  QueryCache,
  QueryClient,
  QueryClientProvider,
  notifyManager,
  useMutation,
  useQuery,
  useQueryClient,
  type Query,
  type UseMutationOptions,
  type UseQueryOptions,
} from '@tanstack/react-query';
import type { EventName, MethodInput, MethodName, MethodOutput } from '../../../shared/contract';
import { EVENT_NAMES } from '../../../shared/contract-names';
import { ApiError } from './errors';
import { pickTransport, type Transport } from './transport';
import { useUi } from '../state/ui';

// react-query tells components about new data in a timer task by default (setTimeout 0), so the browser
// may style, lay out and paint the screen without the data first, then again with it: on a cold load of
// Payments, a whole-page layout between the first page's answer and its rows. A microtask hands the data
// to React in the task that received it.
notifyManager.setScheduler(queueMicrotask);

type DomainOf<M> = M extends `${infer D}.${string}` ? D : never;
/** 'accounts', 'system', ... : every domain that has methods in the contract */
export type Domain = DomainOf<MethodName>;

/**
 * Event -> the domains whose queries it makes stale. Exhaustive over the contract's events: adding an event
 * to shared/contract without a row here is a compile error, and only domains that have methods type-check.
 */
export const EVENT_INVALIDATIONS = {
  'account.changed': ['accounts', 'overview', 'webhooks'],
  'payment.changed': ['payments', 'links', 'overview', 'refunds', 'reports'],
  'refund.changed': ['refunds', 'payments', 'overview', 'reports'],
  'reports.changed': ['reports'],
  // progress of one export: the Reports screen listens to it directly; no query goes stale
  'reports.exportProgress': [],
  'webhook.received': ['webhooks'],
  'webhooks.changed': ['webhooks'],
  'tunnel.changed': ['tunnel', 'webhooks'],
  'api.changed': ['api'],
  'externalHosts.changed': ['settings'],
  'desk.changed': ['desk', 'operators'],
  'audit.appended': ['audit'],
  'backup.changed': ['backup'],
  'callbacks.changed': ['callbacks'],
  'team.changed': ['team'],
  // what this desk missed while the team database was out of reach: everything may be stale
  'team.caughtUp': ['accounts', 'overview', 'webhooks', 'payments', 'links', 'refunds', 'reports', 'tunnel', 'api', 'settings', 'desk', 'operators', 'audit', 'backup', 'callbacks', 'team'],
} as const satisfies { readonly [E in EventName]: readonly Domain[] };

export const domainOf = (method: unknown): string => (typeof method === 'string' ? (method.split('.')[0] ?? '') : '');

export const rpcKey = <M extends MethodName>(method: M, input: MethodInput<M>) => [method, input] as const;

function invalidateDomains(client: QueryClient, domains: readonly string[]) {
  return client.invalidateQueries({ predicate: (q: Query) => domains.includes(domainOf(q.queryKey[0])) });
}

const TransportContext = createContext<Transport | null>(null);

export function useTransport(): Transport {
  const t = useContext(TransportContext);
  if (!t) throw new Error('useTransport outside <RpcProvider>');
  return t;
}

export function createRpcQueryClient(): QueryClient {
  const markConnection = (error: unknown) => {
    if (!(error instanceof ApiError)) return;
    if (error.code === 'host_unreachable') useUi.getState().setConnection('disconnected');
    if (error.code === 'session_ended') useUi.getState().setConnection('session-ended');
  };
  return new QueryClient({
    queryCache: new QueryCache({
      onError: markConnection,
      onSuccess: () => useUi.getState().setConnection('connected'),
    }),
    mutationCache: new MutationCache({ onError: markConnection }),
    defaultOptions: {
      queries: {
        staleTime: 30_000,
        refetchOnWindowFocus: false,
        retry: (count, error) => error instanceof ApiError && error.retryable && error.code !== 'host_unreachable' && error.code !== 'session_ended' && count < 2,
      },
      mutations: { retry: false },
    },
  });
}

/** Provides the transport and the query client, and wires pushed events to invalidation. */
export function RpcProvider({ children, transport, client }: { children: ReactNode; transport?: Transport; client?: QueryClient }) {
  const t = useMemo(() => transport ?? pickTransport(), [transport]);
  const qc = useMemo(() => client ?? createRpcQueryClient(), [client]);

  useEffect(() => {
    const offs = EVENT_NAMES.map((name) => t.on(name, () => void invalidateDomains(qc, EVENT_INVALIDATIONS[name])));
    offs.push(
      t.onConnection((state) => {
        useUi.getState().setConnection(state);
        // events may have been missed while disconnected: everything is stale
        if (state === 'connected') void qc.invalidateQueries();
      }),
    );
    return () => offs.forEach((off) => off());
  }, [t, qc]);

  return createElement(TransportContext.Provider, { value: t }, createElement(QueryClientProvider, { client: qc }, children));
}

type QueryOpts<M extends MethodName> = Omit<UseQueryOptions<MethodOutput<M>, ApiError, MethodOutput<M>, readonly [M, MethodInput<M>]>, 'queryKey' | 'queryFn'>;

/** A read: `useRpcQuery('accounts.list', {})`. Data and error are typed from the contract. */
export function useRpcQuery<M extends MethodName>(method: M, input: MethodInput<M>, options?: QueryOpts<M>) {
  const t = useTransport();
  return useQuery({
    ...options,
    queryKey: rpcKey(method, input),
    queryFn: () => t.call(method, input),
  });
}

type MutationOpts<M extends MethodName> = Omit<UseMutationOptions<MethodOutput<M>, ApiError, MethodInput<M>>, 'mutationFn'>;

/**
 * A change: `const create = useRpcMutation('accounts.create'); create.mutate(input)`.
 * On success the method's own domain is invalidated at once (the pushed event does it too; this keeps the
 * screen right even when the event is late). `error.field` names the input key to mark.
 */
export function useRpcMutation<M extends MethodName>(method: M, options?: MutationOpts<M>) {
  const t = useTransport();
  const qc = useQueryClient();
  return useMutation<MethodOutput<M>, ApiError, MethodInput<M>>({
    ...options,
    mutationFn: (input) => t.call(method, input),
    onSuccess: async (...args) => {
      await invalidateDomains(qc, [domainOf(method)]);
      await options?.onSuccess?.(...args);
    },
  });
}

/** The error of a mutation or query for one field of a form, if the engine named that field. */
export function fieldError(error: unknown, field: string): string | undefined {
  return error instanceof ApiError && error.field === field ? error.message : undefined;
}
