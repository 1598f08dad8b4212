// Settings -> Sandbox through core: the saved choice lands in the data dir's launch settings (read by the
// shells before core starts) and is reported with what the next start will do.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createCore, type PaydeskCore } from '../../../electron/core/index';
import { readSandboxSetting } from '../../../electron/core/sandbox-policy';
import { createKeyFileProtector } from '../../../electron/core/vault';

const ctx = { transport: 'ipc' } as const;
const opened: { core: PaydeskCore; dir: string }[] = [];
afterEach(async () => {
  for (const o of opened.splice(0)) {
    await o.core.close();
    rmSync(o.dir, { recursive: true, force: true });
  }
});

async function start(packaged: boolean): Promise<{ core: PaydeskCore; dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'paydesk-sbx-setting-'));
  const core = await createCore({ dataDir: dir, shell: 'electron', packaged, protector: createKeyFileProtector(dir), log: () => {} });
  const o = { core, dir };
  opened.push(o);
  return o;
}

describe('settings.sandbox', () => {
  it('an installed app starts without the sandbox until an owner switches it on for the next start', async () => {
    const { core, dir } = await start(true);
    expect(await core.call('settings.sandbox.get', {}, ctx)).toEqual({ ok: true, value: { running: false, saved: null, nextStart: false, defaultText: 'off in the installed app' } });
    const on = await core.call('settings.sandbox.set', { enabled: true }, ctx);
    expect(on).toMatchObject({ ok: true, value: { running: false, saved: true, nextStart: true } });
    expect(readSandboxSetting(dir)).toBe(true);
    const back = await core.call('settings.sandbox.set', { enabled: null }, ctx);
    expect(back).toMatchObject({ ok: true, value: { saved: null, nextStart: false } });
    expect(readSandboxSetting(dir)).toBeNull();
  });

  it('a development build runs it by default, and off is remembered', async () => {
    const { core, dir } = await start(false);
    expect(await core.call('settings.sandbox.get', {}, ctx)).toMatchObject({ ok: true, value: { nextStart: true, defaultText: 'on in a development build' } });
    expect(await core.call('settings.sandbox.set', { enabled: false }, ctx)).toMatchObject({ ok: true, value: { saved: false, nextStart: false } });
    expect(readSandboxSetting(dir)).toBe(false);
  });
});
