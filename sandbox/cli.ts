// `npm run sandbox -- --port 12111 [--state ./sandbox-state.json] [--host 127.0.0.1]`
import { parseArgs } from 'node:util';
import { createSandbox } from './index.js';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '12111' },
      host: { type: 'string', default: '127.0.0.1' },
      state: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    console.log('Usage: npm run sandbox -- --port <port> [--state <file>] [--host <host>]');
    return;
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be 0..65535, got ${values.port}`);

  const sandbox = await createSandbox({ port, host: values.host, stateFile: values.state });
  console.log(`Paydesk Sandbox at ${sandbox.url}`);
  for (const [name, value] of Object.entries(sandbox.keys)) console.log(`${name}=${value}`);
  // the control API (/__sandbox/…) answers only requests carrying this token (README.md, "Control API")
  console.log(`SANDBOX_CONTROL_TOKEN=${sandbox.controlToken}`);

  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    console.error(`[sandbox] ${signal}: closing`);
    sandbox.close().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error('[sandbox] close failed:', err instanceof Error ? err.message : err);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((err: unknown) => {
  console.error(`[sandbox] ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
