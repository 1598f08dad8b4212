// The contract suite over Electron IPC, without the Electron binary (ipc-transport.ts): the real preload and
// the real ipc.ts handler, in front of a real core (SQLite in a temp dir, key-file vault, since safeStorage
// needs Electron and the vault logic is the same) with the embedded sandbox. Only Electron's own modules are faked.
import { vi } from 'vitest';
import { withCore } from '../fixtures/with-core';
import { connectIpc } from './ipc-transport';
import { defineContractSuite } from './suite';

vi.mock('electron', async () => (await import('./electron-fake')).fakeElectron);

defineContractSuite('IPC (Electron preload + ipc.ts)', async () => {
  const f = await withCore({ shell: 'electron' });
  const ipc = await connectIpc(f.core);
  return {
    call: ipc.call,
    on: ipc.on,
    sandbox: { keys: f.sandbox!.keys },
    async close() {
      await ipc.close();
      await f.dispose();
    },
  };
});
