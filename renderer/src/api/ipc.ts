// Electron transport: the preload's window.paydesk bridge. The preload already refuses names outside the contract;
// we check again so a typo fails here, not in main.
import { isEventName, isMethodName } from '../../../shared/contract-names';
import { ApiError, unwrap } from './errors';
import type { PaydeskBridge, Transport } from './transport';

export function ipcTransport(bridge: PaydeskBridge) {
  return {
    kind: 'ipc',
    async call(method, input) {
      if (!isMethodName(method)) throw new ApiError('invalid_input', `Unknown method ${String(method)}`);
      let envelope: unknown;
      try {
        envelope = await bridge.call(method, input);
      } catch {
        throw ApiError.unreachable();
      }
      return unwrap(envelope) as never;
    },
    on(event, listener) {
      if (!isEventName(event)) return () => {};
      return bridge.on(event, (payload) => listener(payload as never));
    },
    onConnection() {
      return () => {};
    },
  } satisfies Transport;
}
