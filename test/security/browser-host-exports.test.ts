// Browser mode's export download (GET /exports/<id>) is served once: a client that closes the connection the
// moment the body is in, or a second request racing the first, never gets the file a second time, and no
// file is left in the data folder.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportFilePath, exportsDir } from '../../electron/core/reports/export-service';
import type { Core } from '../../electron/core/types';
import { startBrowserHost, type BrowserHost } from '../../electron/browser-host/server';
import { startHarness, type Harness } from '../contract/harness';

interface Download { status: number; bytes: number }

/**
 * GET `path`; on 200 the socket is destroyed as soon as Content-Length bytes arrived (a browser that has the
 * file and goes), before the response could end on the client's side.
 */
function downloadAndAbort(port: number, path: string, headers: Record<string, string>): Promise<Download> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers }, (res) => {
      const status = res.statusCode ?? 0;
      if (status !== 200) {
        res.resume();
        res.on('end', () => resolve({ status, bytes: 0 }));
        return;
      }
      const expected = Number(res.headers['content-length']);
      let bytes = 0;
      res.on('data', (c: Buffer) => {
        bytes += c.length;
        if (bytes >= expected) {
          req.destroy();
          resolve({ status, bytes });
        }
      });
    });
    req.on('error', (err) => {
      if (!req.destroyed) reject(err);
    });
    req.setTimeout(10_000, () => req.destroy(new Error('timeout')));
    req.end();
  });
}

const listing = (dataDir: string): string[] => {
  try {
    return readdirSync(exportsDir(dataDir));
  } catch {
    return [];
  }
};

async function until(check: () => boolean, what: string, ms = 5_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * What the host asks core about an export, answered as the export service does (available while its file is
 * there), so a round costs a file write instead of a worker-thread export.
 */
function fakeCore(dataDir: string): Core {
  const answer = async (method: string, input: unknown) => {
    if (method === 'system.info') return { ok: true as const, value: { dataDir } };
    const { exportId } = input as { exportId: string };
    const available = existsSync(exportFilePath(dataDir, exportId)!);
    return { ok: true as const, value: { exportId, state: 'done', available, fileName: 'paydesk-test.csv' } };
  };
  return { callUnknown: answer, call: answer, onEvent: () => () => {}, close: async () => {} } as unknown as Core;
}

describe('browser host: one-shot export download', () => {
  let dataDir: string;
  let host: BrowserHost;
  let headers: Record<string, string>;
  let n = 0;
  const body = 'paydesk_id,gross_minor\n' + 'pay_0123456789,1000\n'.repeat(16_000);

  /** a finished export's file, as the export worker leaves it */
  function finishedExport(): string {
    const exportId = `exp_downloadtest${String(n++).padStart(8, '0')}`;
    mkdirSync(exportsDir(dataDir), { recursive: true });
    writeFileSync(exportFilePath(dataDir, exportId)!, body);
    return exportId;
  }

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'paydesk-downloads-'));
    host = await startBrowserHost({ core: fakeCore(dataDir), port: 0, rendererDir: null });
    headers = { 'x-paydesk-token': host.token };
  });
  afterAll(async () => {
    await host?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('a client that closes right after the body never gets a second copy, and no file is left (30 rounds)', async () => {
    for (let round = 0; round < 30; round++) {
      const exportId = finishedExport();
      const first = await downloadAndAbort(host.port, `/exports/${exportId}`, headers);
      expect(first, `round ${round}`).toEqual({ status: 200, bytes: Buffer.byteLength(body) });
      const second = await downloadAndAbort(host.port, `/exports/${exportId}`, headers);
      expect(second.status, `round ${round}: second download`).toBe(410);
      await until(() => listing(dataDir).length === 0, `round ${round}: an empty exports folder (has ${listing(dataDir).join(', ')})`);
    }
  });

  it('of two requests racing for the same export exactly one gets the file', async () => {
    for (let round = 0; round < 10; round++) {
      const exportId = finishedExport();
      const both = await Promise.all([0, 1].map(() => downloadAndAbort(host.port, `/exports/${exportId}`, headers)));
      expect(both.map((d) => d.status).sort(), `round ${round}`).toEqual([200, 410]);
      await until(() => listing(dataDir).length === 0, `round ${round}: an empty exports folder`);
    }
  });
});

describe('browser host: one-shot download of a real export', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness({ sandbox: false });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('serves the file once; the export service then reports it gone and the folder is empty', async () => {
    const started = await h.core.callUnknown('reports.export.start', { mode: 'test', from: '2024-01-01', to: '2024-01-31', preset: 'paydesk' }, { transport: 'http' });
    if (!started.ok) throw new Error(started.error.message);
    const { exportId } = started.value as { exportId: string };
    const state = async () => {
      const s = await h.core.callUnknown('reports.export.status', { exportId }, { transport: 'http' });
      if (!s.ok) throw new Error(s.error.message);
      return s.value as { state: string; available: boolean };
    };
    for (let s = await state(); s.state === 'running'; s = await state()) await new Promise((r) => setTimeout(r, 20));
    const headers = { 'x-paydesk-token': h.host.token };
    expect((await downloadAndAbort(h.host.port, `/exports/${exportId}`, headers)).status).toBe(200);
    expect((await downloadAndAbort(h.host.port, `/exports/${exportId}`, headers)).status).toBe(410);
    await until(() => listing(h.dataDir).length === 0, 'an empty exports folder');
    expect(await state()).toMatchObject({ state: 'done', available: false });
  });
});
