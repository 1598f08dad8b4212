// Typed emitter of the contract's events. Core emits; the shells forward to IPC or SSE.
import { events as eventSchemas, type EventName, type EventPayload } from '../../shared/contract';
import type { CoreEvent } from './types';
import type { Log } from './log';

export interface CoreEvents {
  emit<E extends EventName>(name: E, payload: EventPayload<E>): void;
  on(listener: (event: CoreEvent) => void): () => void;
}

export function createEvents(opts: { log?: Log; validate?: boolean } = {}): CoreEvents {
  const listeners = new Set<(event: CoreEvent) => void>();
  const validate = opts.validate ?? process.env.NODE_ENV !== 'production';
  return {
    emit(name, payload) {
      let out: unknown = payload;
      if (validate) out = (eventSchemas[name] as { parse(v: unknown): unknown }).parse(payload); // strips unknown keys
      const event = { name, payload: out } as CoreEvent;
      for (const l of [...listeners]) {
        try {
          l(event);
        } catch (err) {
          opts.log?.('error', `event listener failed for ${name}`, { error: err });
        }
      }
    },
    on(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
  };
}
