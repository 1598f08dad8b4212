// The reconciliation export, main-thread side: validates the request, resolves the merchant's local date
// range to UTC, and runs the export in a worker_threads Worker (export-worker.ts) so the event loop that
// answers the UI stays free. On SQLite, on a machine with several cores, the range is split into time slices,
// one worker each, read from one shared database snapshot and appended in order (export-worker.ts explains how);
// on the team database (`postgres` instead of `dbPath`) one worker reads it through a cursor.
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
import { createReadStream, createWriteStream, renameSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Worker } from 'node:worker_threads';
import { GATEWAYS, type Gateway } from '../../../shared/gateways';
import { PRIVATE_FILE_MODE } from '../private-fs';
import { workerEntry } from '../worker-entry';
import { openVersionProbe, type ExportSource, type PgExportSource } from '../store/repos/export-reader';
import { isPresetId, presetFields, PRESETS, type PresetId } from './columns';
import {
  CTRL,
  DECISION_CODES,
  partialPath,
  SNAPSHOT_ATTEMPTS,
  WORKER_KIND,
  type ExportJob,
  type SnapshotDecision,
  type WorkerInput,
  type WorkerMessage,
} from './export-worker';
import { localDateRangeToUtc } from './time';

export interface ExportFilters {
  /** first local day, YYYY-MM-DD, in the merchant's time zone */
  from: string;
  /** last local day (inclusive), YYYY-MM-DD */
  to: string;
  /** required: test and live are never mixed in one export */
  mode: 'test' | 'live';
  gateway?: Gateway | null;
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
  /** the SQLite database file (absolute); or `postgres`, the team database */
  dbPath?: string;
  postgres?: PgExportSource;
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
  /** worker threads, each exporting one time slice from one shared snapshot; default one per core, at most 2 */
  parallelism?: number;
  /** called when every worker holds its snapshot of `attempt`, just before the check (tests commit writes here) */
  onSnapshots?: (attempt: number) => void;
  /** called as each worker finishes, with the rows of its slice */
  onPartDone?: (index: number, rows: number) => void;
  /** below this many payments in the range a parallel export is not split (export-worker.ts MIN_ROWS_TO_SPLIT) */
  minRowsToSplit?: number;
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
  if (f.gateway != null && !(GATEWAYS as readonly string[]).includes(f.gateway)) throw new RangeError(`Unknown gateway "${String(f.gateway)}"`);
  const preset = PRESETS[o.preset];
  if (preset.gateway && f.gateway && f.gateway !== preset.gateway) {
    throw new RangeError(`The ${preset.title} preset holds ${preset.gateway} rows only`);
  }
  const { startMs, endMs } = localDateRangeToUtc(f.from, f.to, o.timeZone);
  return {
    source: exportSource(o),
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
    ...(o.minRowsToSplit !== undefined ? { minRowsToSplit: o.minRowsToSplit } : {}),
  };
}

function exportSource(o: StartExportOptions): ExportSource {
  if ((o.dbPath === undefined) === (o.postgres === undefined)) throw new RangeError('Give the SQLite file (dbPath) or the team database (postgres), one of them');
  if (!path.isAbsolute(o.outPath) || (o.dbPath !== undefined && !path.isAbsolute(o.dbPath))) throw new RangeError('dbPath and outPath must be absolute');
  return o.dbPath ?? (o.postgres as PgExportSource);
}

/** At most this many worker threads per export (the `parallelism` option). */
export const MAX_PARTS = 4;
/**
 * Workers used by default: one per core, but at most two. Each worker costs ~40 MB of memory (its V8 isolate,
 * young generation, SQLite cache and write buffer) and the export must stay under +150 MB; bench:export
 * measured two workers at ~1.6x the sqlite3 CLI's time where one took ~2.5x.
 */
export const DEFAULT_PARTS = 2;
/**
 * Each worker's V8 young generation. Nearly everything the loop allocates (row arrays, cells, lines) dies
 * young; the default (~32 MB here) bought little speed for ~15 MB more per worker in bench:export.
 */
const WORKER_YOUNG_GEN_MB = 16;

function spawnWorker(input: WorkerInput, override?: string): Worker {
  const resourceLimits = { maxYoungGenerationSizeMb: WORKER_YOUNG_GEN_MB };
  if (override) return new Worker(override, { workerData: input, resourceLimits });
  // execArgv []: a parent started through tsx does not hand its loader flags to the worker a second time
  return new Worker(workerEntry(import.meta.url, 'export-worker.cjs', 'export-worker.dev.mjs'), { execArgv: [], workerData: input, resourceLimits });
}

/** How many workers an export uses: the option (at most MAX_PARTS), else one per core up to DEFAULT_PARTS. */
export function exportParallelism(requested?: number): number {
  const n = requested ?? Math.min(DEFAULT_PARTS, os.availableParallelism());
  return Math.max(1, Math.min(MAX_PARTS, Number.isInteger(n) ? n : 1));
}

/** Appends part files 1..n-1 to part 0 in order (streams: the event loop stays free), then renames it. */
async function mergeParts(outPath: string, parts: number, stillWanted: () => boolean): Promise<void> {
  const first = partialPath(outPath, 0);
  for (let i = 1; i < parts; i++) {
    if (!stillWanted()) return;
    const part = partialPath(outPath, i);
    if (statSync(part).size > 0) await pipeline(createReadStream(part), createWriteStream(first, { flags: 'a', mode: PRIVATE_FILE_MODE }));
    rmSync(part, { force: true });
  }
  if (stillWanted()) renameSync(first, outPath);
}

export function startExport(options: StartExportOptions): ExportHandle {
  const job = resolveExportJob(options);
  const ctrl = new Int32Array(new SharedArrayBuffer(CTRL.length * Int32Array.BYTES_PER_ELEMENT));
  const listeners = new Set<(p: ExportProgress) => void>();
  if (options.onProgress) listeners.add(options.onProgress);

  // A parallel export needs a probe connection to check that all workers share one snapshot (export-worker.ts).
  // On the team database the server sorts and streams the rows: one worker writes the file.
  let parts = typeof job.source === 'string' ? exportParallelism(options.parallelism) : 1;
  let probe: ReturnType<typeof openVersionProbe> | null = null;
  let version = 0;
  if (parts > 1 && typeof job.source === 'string') {
    try {
      probe = openVersionProbe(job.source);
      version = probe.version();
    } catch {
      // e.g. no database file: one worker reports the error as a single export would
      probe = null;
      parts = 1;
    }
  }
  const closeProbe = (): void => {
    probe?.close();
    probe = null;
  };

  let settled = false;
  let cancelTimer: NodeJS.Timeout | null = null;
  let resolveDone!: (r: ExportResult) => void;
  let rejectDone!: (e: Error) => void;
  const done = new Promise<ExportResult>((res, rej) => {
    resolveDone = res;
    rejectDone = rej;
  });
  const rows = new Array<number>(parts).fill(0);
  const bytes = new Array<number>(parts).fill(0);
  const ended = new Array<boolean>(parts).fill(false);
  const finished = new Array<boolean>(parts).fill(false);
  const sum = (a: number[]): number => a.reduce((x, y) => x + y, 0);
  const snapshots = new Map<number, number>();

  const cancelled = (): boolean => Atomics.load(ctrl, CTRL.cancel) !== 0;
  const stopWorkers = (): void => {
    Atomics.store(ctrl, CTRL.cancel, 1);
    Atomics.notify(ctrl, CTRL.generation);
  };
  const cleanupPartials = (): void => {
    for (let i = 0; i < parts; i++) rmSync(partialPath(job.outPath, i), { force: true });
  };
  const finish = (fn: () => void): void => {
    if (settled) return;
    settled = true;
    if (cancelTimer) clearTimeout(cancelTimer);
    closeProbe();
    fn();
  };
  const fail = (err: Error): void => {
    stopWorkers();
    finish(() => {
      cleanupPartials();
      rejectDone(err);
    });
  };

  const decide = (attempt: number): void => {
    let decision: SnapshotDecision = 'go';
    try {
      options.onSnapshots?.(attempt);
      const now = probe ? probe.version() : version;
      if (now !== version) {
        decision = attempt + 1 >= SNAPSHOT_ATTEMPTS ? 'solo' : 'retry';
        version = now;
      }
    } catch {
      decision = 'solo';
    }
    if (decision !== 'retry') closeProbe();
    Atomics.store(ctrl, CTRL.decision, DECISION_CODES[decision]);
    Atomics.store(ctrl, CTRL.generation, attempt + 1);
    Atomics.notify(ctrl, CTRL.generation);
  };

  const allDone = (): void => {
    if (parts === 1) {
      finish(() => resolveDone({ rows: rows[0]!, bytes: bytes[0]!, outPath: job.outPath }));
      return;
    }
    mergeParts(job.outPath, parts, () => !settled && !cancelled()).then(
      () => {
        if (cancelled()) fail(new ExportCancelledError(sum(rows)));
        else finish(() => resolveDone({ rows: sum(rows), bytes: sum(bytes), outPath: job.outPath }));
      },
      (err: unknown) => fail(new ExportFailedError(err instanceof Error ? err.message : String(err))),
    );
  };

  const workers: Worker[] = [];
  for (let index = 0; index < parts; index++) {
    const input: WorkerInput = { kind: WORKER_KIND, job, ctrl: ctrl.buffer as SharedArrayBuffer, ...(parts > 1 ? { part: { index, count: parts } } : {}) };
    const worker = spawnWorker(input, options.workerEntry);
    workers.push(worker);
    worker.on('message', (m: WorkerMessage) => {
      switch (m.type) {
        case 'snapshot': {
          const n = (snapshots.get(m.attempt) ?? 0) + 1;
          snapshots.set(m.attempt, n);
          if (n === parts) decide(m.attempt);
          break;
        }
        case 'progress':
          rows[index] = m.rows;
          bytes[index] = m.bytes;
          for (const l of listeners) l({ rows: sum(rows), bytes: sum(bytes) });
          break;
        case 'done':
          ended[index] = true;
          finished[index] = true;
          rows[index] = m.rows;
          bytes[index] = m.bytes;
          options.onPartDone?.(index, m.rows);
          if (finished.every(Boolean)) allDone();
          break;
        case 'cancelled':
          ended[index] = true;
          rows[index] = m.rows;
          fail(new ExportCancelledError(sum(rows)));
          break;
        case 'error':
          ended[index] = true;
          fail(new ExportFailedError(m.message, m.code));
          break;
      }
    });
    worker.on('error', (err) => fail(new ExportFailedError(err.message)));
    worker.on('exit', (code) => {
      if (ended[index]) return;
      ended[index] = true;
      if (cancelled()) fail(new ExportCancelledError(sum(rows)));
      else fail(new ExportFailedError(`The export worker stopped unexpectedly (exit code ${code})`));
    });
  }
  // a caller that drops the handle must not see an unhandled rejection
  done.catch(() => undefined);

  return {
    done,
    onProgress(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    cancel() {
      if (settled || cancelled()) return;
      stopWorkers();
      // each worker sees the flag within 1024 rows; one stuck in a long step is stopped hard
      cancelTimer = setTimeout(() => {
        void Promise.all(workers.map((w) => w.terminate())).then(() => fail(new ExportCancelledError(sum(rows))));
      }, options.cancelGraceMs ?? 5_000);
      cancelTimer.unref();
    },
  };
}
