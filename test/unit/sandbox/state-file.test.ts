// The sandbox's state file holds the test keys, webhook secrets and the control token: it is created
// 0600, stays 0600 when rewritten, an older, wider file is tightened on load, and the token survives a
// restart on the same file.
import { chmodSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createStateStore } from '../../../sandbox/core/state.js';
import { createSandbox, sandboxControl } from '../../../sandbox/index.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tempFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sandbox-state-mode-'));
  dirs.push(dir);
  return join(dir, 'state.json');
}

const mode = (file: string): number => statSync(file).mode & 0o777;

describe.skipIf(process.platform === 'win32')('sandbox state file', () => {
  it('is created 0600 and stays 0600 when rewritten', async () => {
    const file = tempFile();
    const previous = process.umask(0o022); // the usual umask would give 0644 to a plain writeFileSync
    try {
      const store = createStateStore(file);
      const slice = store.slice<{ n: number }>('t', () => ({ n: 0 }));
      store.touch();
      store.flush();
      expect(mode(file)).toBe(0o600);
      slice.n = 1;
      store.touch();
      store.flush();
      expect(mode(file)).toBe(0o600);
      // no temporary file is left beside it
      expect(readdirSync(join(file, '..'))).toEqual(['state.json']);
    } finally {
      process.umask(previous);
    }
  });

  it('tightens a file written with wider permissions as soon as it is loaded', () => {
    const file = tempFile();
    writeFileSync(file, JSON.stringify({ version: 1, slices: {} }));
    chmodSync(file, 0o644);
    createStateStore(file);
    expect(mode(file)).toBe(0o600);
  });

  it('keeps the control token across a restart on the same file, and the new sandbox answers it', async () => {
    const file = tempFile();
    const first = await createSandbox({ port: 0, stateFile: file });
    const token = first.controlToken;
    await first.close();
    expect(mode(file)).toBe(0o600);
    const second = await createSandbox({ port: 0, stateFile: file });
    try {
      expect(second.controlToken).toBe(token);
      expect((await sandboxControl(second.url, token).get('/__sandbox/health')).status).toBe(200);
      // a reset empties the state but keeps the keys and the token
      expect((await sandboxControl(second.url, token).post('/__sandbox/reset')).status).toBe(200);
      expect((await sandboxControl(second.url, token).get('/__sandbox/health')).status).toBe(200);
    } finally {
      await second.close();
    }
  });
});
