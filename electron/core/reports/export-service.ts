// The glue between the reports.export.* handlers and the export engine (export.ts): one export at a time
// per core, written to a temporary file in the data folder, progress pushed as `reports.exportProgress`.
//
// Where the file goes next is the shell's business (see shared/contract/reports.ts):
//   browser mode  GET /exports/<exportId> on the browser host streams it as an attachment and deletes it;
//   desktop app   electron/export-dialog.ts asks for a destination first and moves the file there when done.
// Files left over (never downloaded, or from a crash) are deleted when the service starts and on close,
// and a finished file nobody fetched is deleted after an hour.
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { ExportPreset, ExportStatus } from '../../../shared/contract';
import { AppError } from '../../../shared/errors';
import { gatewayLabel, type Gateway } from '../../../shared/gateways';
import { recordAudit } from '../audit';
import type { CoreEvents } from '../events';
import type { Log } from '../log';
import { ensurePrivateDir } from '../private-fs';
import type { AccountsRepo } from '../store/repos/accounts';
import type { AuditRepo } from '../store/repos/audit';
import type { ExportSource } from '../store/repos/export-reader';
import type { CallContext, Clock } from '../types';
import { PRESETS } from './columns';
import { ExportCancelledError, startExport, type ExportHandle } from './export';

export const EXPORTS_DIRNAME = 'exports';
const EXPORT_ID = /^exp_[A-Za-z0-9_-]{16,40}$/;
const KEEP_UNFETCHED_MS = 60 * 60 * 1000;
const KEEP_STATUS = 20;

export const exportsDir = (dataDir: string): string => path.join(dataDir, EXPORTS_DIRNAME);
export const isExportId = (id: string): boolean => EXPORT_ID.test(id);

/** The temporary file of one export; null for a malformed id (never a path outside the exports folder). */
export function exportFilePath(dataDir: string, exportId: string): string | null {
  return isExportId(exportId) ? path.join(exportsDir(dataDir), `${exportId}.csv`) : null;
}

export interface ExportRequest {
  mode: 'test' | 'live';
  from: string;
  to: string;
  gateway?: Gateway | undefined;
  accountId?: string | undefined;
  preset: ExportPreset;
  bom?: boolean | undefined;
}

/** The suggested file name: paydesk-<preset>-<mode>-<from>_<to>.csv (ASCII only, safe in a header). */
export function exportFileName(r: Pick<ExportRequest, 'preset' | 'mode' | 'from' | 'to'>): string {
  const preset = r.preset === 'paydesk' ? 'paydesk' : r.preset === 'stripe_balance' ? 'paydesk-stripe-balance' : 'paydesk-razorpay-recon';
  return `${preset}-${r.mode}-${r.from}_${r.to}.csv`;
}

interface Job {
  status: ExportStatus;
  handle: ExportHandle | null;
  file: string;
  timer: NodeJS.Timeout | null;
}

export interface ExportService {
  start(input: ExportRequest, ctx: CallContext): { exportId: string; fileName: string };
  cancel(exportId: string): ExportStatus;
  status(exportId: string): ExportStatus;
  /** browser host: the file was sent; delete it */
  release(exportId: string): void;
  close(): void;
}

export interface ExportServiceDeps {
  dataDir: string;
  /** what the export workers read with their own connections: the SQLite file or the team database */
  source: ExportSource;
  accounts: AccountsRepo;
  audit: AuditRepo;
  events: CoreEvents;
  clock: Clock;
  log: Log;
  /** the merchant's time zone (reports settings) */
  timeZone: () => string;
}

export function createExportService(d: ExportServiceDeps): ExportService {
  const dir = exportsDir(d.dataDir);
  // leftovers of an earlier run
  rmSync(dir, { recursive: true, force: true });
  const jobs = new Map<string, Job>();

  const emit = (s: ExportStatus): void => {
    d.events.emit('reports.exportProgress', {
      exportId: s.exportId,
      rows: s.rows,
      done: s.state !== 'running',
      ...(s.state === 'failed' && s.error ? { error: s.error } : {}),
      ...(s.state === 'cancelled' ? { cancelled: true } : {}),
      ...(s.state === 'done' ? { fileName: s.fileName } : {}),
    });
  };

  const forget = (): void => {
    // keep the last few statuses for the screen; drop older finished ones
    const finished = [...jobs.values()].filter((j) => j.status.state !== 'running');
    for (const j of finished.slice(0, Math.max(0, finished.length - KEEP_STATUS))) {
      rmSync(j.file, { force: true });
      if (j.timer) clearTimeout(j.timer);
      jobs.delete(j.status.exportId);
    }
  };

  const get = (exportId: string): Job => {
    const j = jobs.get(exportId);
    if (!j) throw new AppError('not_found', 'No such export (exports are forgotten when Paydesk restarts)', { field: 'exportId' });
    return j;
  };

  return {
    start(input, ctx) {
      if ([...jobs.values()].some((j) => j.status.state === 'running')) {
        throw new AppError('conflict', 'An export is already running. Wait for it to finish or cancel it.');
      }
      const preset = PRESETS[input.preset];
      let gateway = input.gateway ?? null;
      let accountIds: string[] | null = null;
      if (input.accountId) {
        const account = d.accounts.get(input.accountId);
        if (!account) throw new AppError('not_found', 'No such account', { field: 'accountId' });
        if (account.mode !== input.mode) throw new AppError('invalid_input', `This is a ${account.mode} account; an export never mixes test and live`, { field: 'accountId' });
        if (gateway && gateway !== account.gateway) throw new AppError('invalid_input', 'That account is on the other gateway', { field: 'accountId' });
        gateway = account.gateway;
        accountIds = [account.id];
      }
      if (preset.gateway && gateway && gateway !== preset.gateway) {
        throw new AppError('invalid_input', `The ${preset.title} preset holds ${gatewayLabel(preset.gateway)} rows only: choose that gateway or the Paydesk preset`, { field: 'preset' });
      }

      const exportId = `exp_${randomBytes(15).toString('base64url')}`;
      const file = exportFilePath(d.dataDir, exportId)!;
      ensurePrivateDir(dir);
      const fileName = exportFileName(input);
      const now = d.clock.now();
      const status: ExportStatus = {
        exportId,
        state: 'running',
        preset: input.preset,
        mode: input.mode,
        fileName,
        rows: 0,
        bytes: 0,
        error: null,
        startedAt: now,
        finishedAt: null,
        available: false,
      };

      let handle: ExportHandle;
      try {
        handle = startExport({
          ...(typeof d.source === 'string' ? { dbPath: d.source } : { postgres: d.source }),
          outPath: file,
          preset: input.preset,
          filters: { from: input.from, to: input.to, mode: input.mode, gateway, accountIds },
          timeZone: d.timeZone(),
          bom: input.bom === true,
        });
      } catch (err) {
        if (err instanceof RangeError) throw new AppError('invalid_input', err.message);
        throw err;
      }
      const job: Job = { status, handle, file, timer: null };
      jobs.set(exportId, job);

      recordAudit(d.audit, {
        operator: ctx.operator ?? null,
        action: 'export.made',
        subject: { type: 'export', id: exportId },
        details: { preset: input.preset, from: input.from, to: input.to, gateway, accountId: input.accountId ?? null, bom: input.bom === true, fileName },
        livemode: input.mode === 'live',
        at: now,
      });

      handle.onProgress((p) => {
        if (status.state !== 'running') return;
        status.rows = p.rows;
        status.bytes = p.bytes;
        emit(status);
      });
      handle.done.then(
        (r) => {
          status.state = 'done';
          status.rows = r.rows;
          status.bytes = r.bytes;
          status.available = true;
          status.finishedAt = d.clock.now();
          job.handle = null;
          job.timer = setTimeout(() => {
            rmSync(file, { force: true });
            status.available = false;
          }, KEEP_UNFETCHED_MS);
          job.timer.unref();
          d.log('info', `export ${exportId} finished: ${r.rows} rows`);
          emit(status);
          forget();
        },
        (err: unknown) => {
          job.handle = null;
          status.finishedAt = d.clock.now();
          rmSync(file, { force: true });
          if (err instanceof ExportCancelledError) {
            status.state = 'cancelled';
            status.rows = err.rows;
          } else {
            status.state = 'failed';
            status.error = `The export stopped: ${err instanceof Error ? err.message : String(err)}`.slice(0, 500);
            d.log('warn', `export ${exportId} failed`, { error: err instanceof Error ? err.message : String(err) });
          }
          emit(status);
          forget();
        },
      );
      emit(status);
      return { exportId, fileName };
    },
    cancel(exportId) {
      const j = get(exportId);
      if (j.status.state === 'running') j.handle?.cancel();
      return { ...j.status };
    },
    status(exportId) {
      const j = get(exportId);
      // the browser host (or the desktop shell) may have taken the file away
      if (j.status.available && !existsSync(j.file)) j.status.available = false;
      return { ...j.status };
    },
    release(exportId) {
      const j = jobs.get(exportId);
      if (!j) return;
      rmSync(j.file, { force: true });
      j.status.available = false;
      if (j.timer) clearTimeout(j.timer);
      j.timer = null;
    },
    close() {
      for (const j of jobs.values()) {
        j.handle?.cancel();
        if (j.timer) clearTimeout(j.timer);
      }
      jobs.clear();
      try {
        for (const f of readdirSync(dir)) rmSync(path.join(dir, f), { force: true });
      } catch {
        // no exports folder: nothing to delete
      }
    },
  };
}
