// The reconciliation export, main-thread side: validates the request, resolves the merchant's local date
// range to UTC, and runs the export in a worker_threads Worker (export-worker.ts) so the event loop that
// answers the UI stays free.
//
//   const h = startExport({ dbPath, outPath, preset: 'paydesk', filters: { from: '2024-01-01', to: '2024-01-31',
//                           mode: 'live' }, timeZone: 'Asia/Kolkata', bom: true });
//   h.onProgress(({ rows, bytes }) => ...);   // every ~50k rows or 250 ms
//   await h.done;                             // { rows, bytes, outPath }; rejects with ExportCancelledError after cancel()
//   h.cancel();                               // stops the worker; the partial file is deleted
//
// The worker entry: next to the running bundle, `export-worker.cjs` (the build must emit
// electron/core/reports/export-worker.ts -> dist/electron/export-worker.cjs, platform node, format cjs,
// better-sqlite3 external, like main.cjs). When that file is absent (tests, tsx in development),
// `export-worker.dev.mjs` loads the TS source through tsx's ESM API. Pass `workerEntry` to override.
import { existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { isPresetId, presetFields, PRESETS, type PresetId } from './columns';
import { partialPath, WORKER_KIND, type ExportJob, type WorkerMessage } from './export-worker';
import { localDateRangeToUtc } from './time';

export interface ExportFilters {
  /** first local day, YYYY-MM-DD, in the merchant's time zone */
  from: string;
  /** last local day (inclusive), YYYY-MM-DD */
  to: string;
  /** required: test and live are never mixed in one export */
  mode: 'test' | 'live';
  gateway?: 'stripe' | 'razorpay' | null;
  accountIds?: readonly string[] | null;
}

export interface ExportProgress {
  rows: number;
  bytes: number;
}

export interface ExportResult extends ExportProgress {
  outPath: string;
}

export interface StartExportOptions {
  dbPath: string;
  outPath: string;
  preset: PresetId;
  filters: ExportFilters;
  /** IANA zone from Settings, e.g. 'Asia/Kolkata' */
  timeZone: string;
  /** prefix a UTF-8 BOM so Excel opens the file as UTF-8 */
  bom?: boolean;
  onProgress?: (p: ExportProgress) => void;
  progressEveryRows?: number;
  progressEveryMs?: number;
  /** a worker entry file to use instead of the default resolution (see the top of this file) */
  workerEntry?: string;
  /** how long cancel() waits for the worker to stop by itself before terminating it (ms) */
  cancelGraceMs?: number;
}

export interface ExportHandle {
  readonly done: Promise<ExportResult>;
  /** subscribe to progress; returns an unsubscribe function */
  onProgress(listener: (p: ExportProgress) => void): () => void;
  /** stop the export and delete the partial file; `done` then rejects with ExportCancelledError */
  cancel(): void;
}

export class ExportCancelledError extends Error {
  readonly code = 'cancelled';
  constructor(readonly rows: number) {
    super(`Export cancelled after ${rows} rows; the partial file was deleted`);
    this.name = 'ExportCancelledError';
  }
}

export class ExportFailedError extends Error {
  constructor(message: string, readonly code = 'export_failed') {
    super(message);
    this.name = 'ExportFailedError';
  }
}

/** Validates the options and resolves them to the job the worker runs. Throws RangeError on bad input. */
export function resolveExportJob(o: StartExportOptions): ExportJob {
  if (!isPresetId(o.preset)) throw new RangeError(`Unknown export preset "${String(o.preset)}"`);
  const f = o.filters;
  if (f.mode !== 'test' && f.mode !== 'live') throw new RangeError('Choose test or live: an export never mixes them');
  if (f.gateway != null && f.gateway !== 'stripe' && f.gateway !== 'razorpay') throw new RangeError(`Unknown gateway "${String(f.gateway)}"`);
  const preset = PRESETS[o.preset];
  if (preset.gateway && f.gateway && f.gateway !== preset.gateway) {
    throw new RangeError(`The ${preset.title} preset holds ${preset.gateway} rows only`);
  }
  if (!path.isAbsolute(o.dbPath) || !path.isAbsolute(o.outPath)) throw new RangeError('dbPath and outPath must be absolute');
  const { startMs, endMs } = localDateRangeToUtc(f.from, f.to, o.timeZone);
  return {
    dbPath: o.dbPath,
    outPath: o.outPath,
    preset: o.preset,
    query: {
      startMs,
      endMs,
      mode: f.mode,
      gateway: preset.gateway ?? f.gateway ?? null,
      accountIds: f.accountIds && f.accountIds.length > 0 ? [...f.accountIds] : null,
      payouts: preset.payouts,
      fields: presetFields(preset),
    },
    timeZone: o.timeZone,
    bom: o.bom === true,
    progressEveryRows: o.progressEveryRows ?? 50_000,
    progressEveryMs: o.progressEveryMs ?? 250,
  };
}

function spawnWorker(job: ExportJob, cancel: SharedArrayBuffer, override?: string): Worker {
  const data = { kind: WORKER_KIND, job, cancel };
  if (override) return new Worker(override, { workerData: data });
  const here = path.dirname(fileURLToPath(import.meta.url));
  const bundled = path.join(here, 'export-worker.cjs');
  if (existsSync(bundled)) return new Worker(bundled, { workerData: data });
  // tests and development: a tiny ESM entry that loads export-worker.ts through tsx. execArgv: [] so a
  // parent started through tsx does not hand its loader flags to the worker a second time.
  return new Worker(path.join(here, 'export-worker.dev.mjs'), { execArgv: [], workerData: data });
}

export function startExport(options: StartExportOptions): ExportHandle {
  const job = resolveExportJob(options);
  const cancelBuf = new SharedArrayBuffer(4);
  const flag = new Int32Array(cancelBuf);
  const listeners = new Set<(p: ExportProgress) => void>();
  if (options.onProgress) listeners.add(options.onProgress);

  let settled = false;
  let cancelTimer: NodeJS.Timeout | null = null;
  let resolveDone!: (r: ExportResult) => void;
  let rejectDone!: (e: Error) => void;
  const done = new Promise<ExportResult>((res, rej) => {
    resolveDone = res;
    rejectDone = rej;
  });
  let lastRows = 0;

  const cleanupPartial = (): void => {
    rmSync(partialPath(job.outPath), { force: true });
  };
  const finish = (fn: () => void): void => {
    if (settled) return;
    settled = true;
    if (cancelTimer) clearTimeout(cancelTimer);
    fn();
  };

  const worker = spawnWorker(job, cancelBuf, options.workerEntry);
  worker.on('message', (m: WorkerMessage) => {
    switch (m.type) {
      case 'progress':
        lastRows = m.rows;
        for (const l of listeners) l({ rows: m.rows, bytes: m.bytes });
        break;
      case 'done':
        finish(() => resolveDone({ rows: m.rows, bytes: m.bytes, outPath: job.outPath }));
        break;
      case 'cancelled':
        finish(() => rejectDone(new ExportCancelledError(m.rows)));
        break;
      case 'error':
        finish(() => rejectDone(new ExportFailedError(m.message, m.code)));
        break;
    }
  });
  worker.on('error', (err) => {
    finish(() => {
      cleanupPartial();
      rejectDone(new ExportFailedError(err.message));
    });
  });
  worker.on('exit', (code) => {
    finish(() => {
      cleanupPartial();
      if (Atomics.load(flag, 0) !== 0) rejectDone(new ExportCancelledError(lastRows));
      else rejectDone(new ExportFailedError(`The export worker stopped unexpectedly (exit code ${code})`));
    });
  });
  // a caller that drops the handle must not see an unhandled rejection
  done.catch(() => undefined);

  return {
    done,
    onProgress(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    cancel() {
      if (settled || Atomics.load(flag, 0) !== 0) return;
      Atomics.store(flag, 0, 1);
      // the worker sees the flag within 1024 rows; if it is stuck in one long step, stop it hard
      cancelTimer = setTimeout(() => {
        void worker.terminate().then(() => {
          cleanupPartial();
          finish(() => rejectDone(new ExportCancelledError(lastRows)));
        });
      }, options.cancelGraceMs ?? 5_000);
      cancelTimer.unref();
    },
  };
}
