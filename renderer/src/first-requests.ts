// A page's first requests leave from its entry (main.tsx), before React, the shell and the screen's code
// have been downloaded and compiled: on a cold load that is a few hundred milliseconds sooner. The shell and
// the screen ask for the same things again through `withFirstAnswers(transport)`, which hands each of them
// the request already on its way, once. Every later call goes to the engine, and what nobody claimed by
// the time the shell has asked for its first data is dropped (`dropUnclaimed`), so no stale answer is ever
// served later.
import type { MethodInput, MethodName, MethodOutput } from '../../shared/contract';
import type { Transport } from './api/transport';

const sent = new Map<string, Promise<unknown>>();
const keyOf = (method: string, input: unknown): string => JSON.stringify([method, input]);

/** Sends one request now and keeps it for the first identical call through `withFirstAnswers`. */
export function askEarly<M extends MethodName>(t: Transport, method: M, input: MethodInput<M>): Promise<MethodOutput<M>> {
  const answer = t.call(method, input);
  // a failure belongs to whoever claims the request (react-query shows it); unclaimed, it is dropped
  answer.catch(() => {});
  sent.set(keyOf(method, input), answer);
  return answer;
}

/** The transport, with each early request handed to the first call that asks for the same method and input. */
export function withFirstAnswers(t: Transport): Transport {
  return {
    kind: t.kind,
    on: (event, listener) => t.on(event, listener),
    onConnection: (listener) => t.onConnection(listener),
    call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>> {
      const key = keyOf(method, input);
      const early = sent.get(key);
      if (!early) return t.call(method, input);
      sent.delete(key);
      return early as Promise<MethodOutput<M>>;
    },
  };
}

/** Forgets the early requests nobody asked for (the screen's state changed before it asked). */
export function dropUnclaimed(): void {
  sent.clear();
}
