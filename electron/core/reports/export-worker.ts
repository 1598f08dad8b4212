// The export's worker threads. Each worker has its own read-only better-sqlite3 connection and exports one
// time slice of the range with ONE streaming statement (store/repos/movements.ts) read with iterate() + raw(); CSV lines are
// built by the preset's row writer (columns.ts) and encoded into 1 MiB blocks (csv.ts). Progress goes to the
// main thread every ~50k rows or 250 ms; cancel is a flag in a SharedArrayBuffer that the loop reads every
// 1024 rows (a message could not be received while the loop runs synchronously), after which the partial
// file is deleted.
//
// Parallel export (export.ts runs `parts` workers, one per core): the slices must come from ONE database
// snapshot, or a row changed during the export could appear in one slice's state and not another's. So every
// worker first opens a read transaction (the WAL snapshot is taken at its first read) and reports it; the
// main thread checks with `PRAGMA data_version` that nothing was committed between the first and the last
// snapshot and answers go, retry (each worker takes a new snapshot) or solo (worker 0 exports everything,
// the others nothing). Then each worker computes the same slice bounds from that same snapshot (quantiles of
// payments.paid_at, the bulk of the rows) and exports its slice to its own part file, which export.ts
// appends in order. Slices are disjoint half-open [b_i, b_i+1) ranges of the ORDER BY key, so the
// concatenation is the single statement's output.
//
// Entry points: the esbuild bundle `dist/electron/export-worker.cjs` (see export.ts), or this TS file
// through tsx in tests and development.
import { renameSync, rmSync } from 'node:fs';
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { openExportReader, type ExportReader, type ExportSource } from '../store/repos/export-reader';
import type { MovementQueryFilters } from '../store/repos/movements';
import { PRESETS, rowWriter, type PresetId } from './columns';
import { BOM, CsvFileWriter, headerLine } from './csv';
import { TimeFormatter } from './time';

/** Everything the worker needs, already validated by the main thread (export.ts resolveExportJob). */
export interface ExportJob {
  /** the SQLite database file, or the team database */
  source: ExportSource;
  /** the final file; the worker writes `${outPath}.partial` and renames it on success */
  outPath: string;
  preset: PresetId;
  query: MovementQueryFilters;
  timeZone: string;
  bom: boolean;
  progressEveryRows: number;
  progressEveryMs: number;
  /** below this many payments in the range a parallel export is not split; default MIN_ROWS_TO_SPLIT */
  minRowsToSplit?: number;
}

/** Which slice a worker exports. Part 0 writes the BOM and the header. */
export interface ExportPart {
  index: number;
  count: number;
}

export type SnapshotDecision = 'go' | 'retry' | 'solo' | 'cancel';

export type WorkerMessage =
  | { type: 'snapshot'; attempt: number }
  | { type: 'progress'; rows: number; bytes: number }
  | { type: 'done'; rows: number; bytes: number }
  | { type: 'cancelled'; rows: number }
  | { type: 'error'; message: string; code?: string };

/** Control words in the shared Int32Array of a parallel export. */
export const CTRL = { cancel: 0, generation: 1, decision: 2, length: 3 } as const;
export const DECISION_CODES: Readonly<Record<SnapshotDecision, number>> = { go: 1, retry: 2, solo: 3, cancel: 4 };

/** Below this many payments in the range an export is not split (spawning and merging would cost more). */
export const MIN_ROWS_TO_SPLIT = 20_000;

export const WORKER_KIND = 'paydesk-export';
/** The file part `index` is written to: part 0 (and a single-worker export) `${outPath}.partial`. */
export const partialPath = (outPath: string, index = 0): string => (index === 0 ? `${outPath}.partial` : `${outPath}.partial.${index}`);

/** What a worker of a parallel export needs besides the job. */
export interface ParallelContext {
  part: ExportPart;
  /** reports that the snapshot of `attempt` is taken and blocks until the main thread decides */
  awaitDecision: (attempt: number) => SnapshotDecision;
}

/** Up to this many snapshot attempts before export.ts gives up on parallelism and answers solo. */
export const SNAPSHOT_ATTEMPTS = 4;

/**
 * The slice bounds of a parallel export, computed inside the shared snapshot, so every worker gets the
 * same ones: [startMs, b1, ..., endMs], non-decreasing. With fewer than MIN_ROWS_TO_SPLIT payments in the
 * range (or solo) part 0 gets everything and the other parts empty ranges.
 */
export function sliceBounds(reader: Pick<ExportReader, 'countPaid' | 'nthPaidAt'>, q: MovementQueryFilters, parts: number, solo: boolean, minRows = MIN_ROWS_TO_SPLIT): number[] {
  const bounds = [q.startMs];
  const total = solo || parts < 2 ? 0 : reader.countPaid(q.startMs, q.endMs);
  for (let k = 1; k < parts; k++) {
    let b = q.endMs;
    if (total >= minRows) b = reader.nthPaidAt(q.startMs, q.endMs, Math.floor((total * k) / parts)) ?? q.endMs;
    bounds.push(Math.max(bounds[k - 1]!, Math.min(b, q.endMs)));
  }
  bounds.push(q.endMs);
  return bounds;
}

/**
 * Runs one export (or one part of a parallel one) synchronously in the calling thread. The worker calls it;
 * tests may too. Returns the message that ends the job (done or cancelled); throws on errors after deleting
 * its partial file. A single export renames its file to outPath; a part leaves its part file to export.ts.
 */
export function runExport(job: ExportJob, post: (m: WorkerMessage) => void, isCancelled: () => boolean, parallel?: ParallelContext): WorkerMessage {
  const preset = PRESETS[job.preset];
  const index = parallel?.part.index ?? 0;
  const tmp = partialPath(job.outPath, index);
  let reader: ExportReader | null = null;
  let writer: CsvFileWriter | null = null;
  let rows = 0;
  try {
    reader = openExportReader(job.source);
    let query = job.query;
    if (parallel) {
      // take a snapshot and wait for the main thread's verdict
      let decision: SnapshotDecision = 'retry';
      for (let attempt = 0; decision === 'retry'; attempt++) {
        reader.takeSnapshot();
        decision = parallel.awaitDecision(attempt);
      }
      if (decision === 'cancel') return { type: 'cancelled', rows: 0 };
      const bounds = sliceBounds(reader, job.query, parallel.part.count, decision === 'solo', job.minRowsToSplit);
      query = { ...job.query, startMs: bounds[index]!, endMs: bounds[index + 1]! };
    }
    const iter = reader.movements(query);
    const write = rowWriter(preset, { time: new TimeFormatter(job.timeZone) });
    writer = new CsvFileWriter(tmp);
    if (index === 0) writer.push((job.bom ? BOM : '') + headerLine(preset.columns));
    let lastRows = 0;
    let lastAt = Date.now();
    let cancelled = false;
    for (const r of iter) {
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
    if (!parallel) renameSync(tmp, job.outPath);
    return { type: 'done', rows, bytes };
  } catch (err) {
    writer?.abandon();
    rmSync(tmp, { force: true });
    throw err;
  } finally {
    reader?.close();
  }
}

export interface WorkerInput {
  kind: typeof WORKER_KIND;
  job: ExportJob;
  /** Int32Array view: CTRL words (cancel flag, snapshot generation, decision) */
  ctrl: SharedArrayBuffer;
  /** present for a parallel export */
  part?: ExportPart;
}

function main(): void {
  const port = parentPort;
  if (!port) return;
  const data = workerData as WorkerInput;
  const ctrl = new Int32Array(data.ctrl);
  const post = (m: WorkerMessage): void => port.postMessage(m);
  const isCancelled = (): boolean => Atomics.load(ctrl, CTRL.cancel) !== 0;
  const parallel: ParallelContext | undefined = data.part && {
    part: data.part,
    awaitDecision(attempt) {
      post({ type: 'snapshot', attempt });
      // the main thread stores the decision, then bumps the generation past `attempt` and notifies
      while (Atomics.load(ctrl, CTRL.generation) <= attempt) {
        if (isCancelled()) return 'cancel';
        Atomics.wait(ctrl, CTRL.generation, attempt, 250);
      }
      const code = Atomics.load(ctrl, CTRL.decision);
      return (Object.keys(DECISION_CODES) as SnapshotDecision[]).find((k) => DECISION_CODES[k] === code) ?? 'cancel';
    },
  };
  try {
    post(runExport(data.job, post, isCancelled, parallel));
  } catch (err) {
    const e = err as { message?: string; code?: string };
    post({ type: 'error', message: String(e?.message ?? err), ...(typeof e?.code === 'string' ? { code: e.code } : {}) });
  }
}

if (!isMainThread && (workerData as { kind?: string } | null)?.kind === WORKER_KIND) main();
