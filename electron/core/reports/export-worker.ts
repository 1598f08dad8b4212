// The export's worker thread: its own read-only better-sqlite3 connection, ONE streaming statement
// (queries.ts) read with iterate() + raw(), CSV lines built by the preset's row writer (columns.ts) and
// written in ~1 MiB blocks (csv.ts). Progress goes to the main thread every ~50k rows or 250 ms; cancel
// is a flag in a SharedArrayBuffer that the loop reads every 1024 rows (a message could not be received
// while the loop runs synchronously), after which the partial file is deleted.
//
// Entry points: the esbuild bundle `dist/electron/export-worker.cjs` (see export.ts), or this TS file
// through tsx in tests and development.
import { renameSync, rmSync } from 'node:fs';
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { PRESETS, rowWriter, type PresetId } from './columns';
import { BOM, CsvFileWriter, headerLine } from './csv';
import { buildMovementQuery, type MovementQueryFilters, type MovementRow } from './queries';
import { TimeFormatter } from './time';

/** Everything the worker needs, already validated by the main thread (export.ts resolveExportJob). */
export interface ExportJob {
  dbPath: string;
  /** the final file; the worker writes `${outPath}.partial` and renames it on success */
  outPath: string;
  preset: PresetId;
  query: MovementQueryFilters;
  timeZone: string;
  bom: boolean;
  progressEveryRows: number;
  progressEveryMs: number;
}

export type WorkerMessage =
  | { type: 'progress'; rows: number; bytes: number }
  | { type: 'done'; rows: number; bytes: number }
  | { type: 'cancelled'; rows: number }
  | { type: 'error'; message: string; code?: string };

export const WORKER_KIND = 'paydesk-export';
export const partialPath = (outPath: string): string => `${outPath}.partial`;

/**
 * Runs one export synchronously in the calling thread. The worker calls it; tests may too.
 * Returns the message that ends the job (done or cancelled); throws on errors after deleting the partial file.
 */
export function runExport(job: ExportJob, post: (m: WorkerMessage) => void, isCancelled: () => boolean): WorkerMessage {
  const preset = PRESETS[job.preset];
  const q = buildMovementQuery(job.query);
  const tmp = partialPath(job.outPath);
  const db = new Database(job.dbPath, { readonly: true, fileMustExist: true });
  let writer: CsvFileWriter | null = null;
  let rows = 0;
  try {
    db.pragma('query_only = ON');
    const stmt = db.prepare(q.sql).raw(true);
    const write = rowWriter(preset, { time: new TimeFormatter(job.timeZone) });
    writer = new CsvFileWriter(tmp);
    writer.push((job.bom ? BOM : '') + headerLine(preset.columns));
    let lastRows = 0;
    let lastAt = Date.now();
    let cancelled = false;
    for (const r of stmt.iterate(q.params) as IterableIterator<MovementRow>) {
      writer.push(write(r));
      rows++;
      if ((rows & 1023) === 0) {
        if (isCancelled()) {
          cancelled = true;
          break; // leaving the loop returns the iterator, which resets the statement
        }
        const now = Date.now();
        if (rows - lastRows >= job.progressEveryRows || now - lastAt >= job.progressEveryMs) {
          lastRows = rows;
          lastAt = now;
          post({ type: 'progress', rows, bytes: writer.bytes });
        }
      }
    }
    if (cancelled || isCancelled()) {
      writer.abandon();
      rmSync(tmp, { force: true });
      return { type: 'cancelled', rows };
    }
    writer.close();
    const bytes = writer.bytes;
    renameSync(tmp, job.outPath);
    return { type: 'done', rows, bytes };
  } catch (err) {
    writer?.abandon();
    rmSync(tmp, { force: true });
    throw err;
  } finally {
    db.close();
  }
}

function main(): void {
  const port = parentPort;
  if (!port) return;
  const data = workerData as { kind: string; job: ExportJob; cancel: SharedArrayBuffer };
  const flag = new Int32Array(data.cancel);
  const post = (m: WorkerMessage): void => port.postMessage(m);
  try {
    post(runExport(data.job, post, () => Atomics.load(flag, 0) !== 0));
  } catch (err) {
    const e = err as { message?: string; code?: string };
    post({ type: 'error', message: String(e?.message ?? err), ...(typeof e?.code === 'string' ? { code: e.code } : {}) });
  }
}

if (!isMainThread && (workerData as { kind?: string } | null)?.kind === WORKER_KIND) main();
