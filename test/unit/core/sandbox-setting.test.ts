// Settings -> Sandbox through core: the saved choice lands in the data dir's launch settings (read by the
// shells before core starts) and is reported with what the next start will do.
import { afterEach, describe, expect, it } from 'vitest';
import type { PaydeskCore } from '../../../electron/core/index';
import { readSandboxSetting } from '../../../electron/core/sandbox-policy';
import { withCore, type CoreFixture } from '../../fixtures/with-core';

const ctx = { transport: 'ipc' } as const;
const opened: CoreFixture[] = [];
afterEach(async () => {
  for (const f of opened.splice(0)) await f.dispose();
});

// core as the desktop shell starts it, installed or a development build; no sandbox runs, so `running` is false
async function start(packaged: boolean): Promise<{ core: PaydeskCore; dir: string }> {
  const f = await withCore({ shell: 'electron', packaged, sandbox: false });
  opened.push(f);
  return { core: f.core, dir: f.dataDir };
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
