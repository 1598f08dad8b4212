// The contract suite over the real browser host: real HTTP, real SQLite in a temp dir, the real sandbox.
import { defineContractSuite } from './suite';
import { connectHttp } from './http-client';
import { startHarness } from './harness';

defineContractSuite('HTTP (browser host)', async () => {
  const h = await startHarness();
  const client = await connectHttp(h.host.origin, h.host.token);
  return {
    call: client.call,
    on: client.on,
    sandbox: { keys: h.sandbox!.keys },
    async close() {
      await client.close();
      await h.close();
    },
  };
});
