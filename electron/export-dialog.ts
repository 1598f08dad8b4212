// The desktop app's half of the CSV export. Core writes every export to a temporary file in the
// data folder (core/reports/export-service.ts); browser mode downloads it from the browser host. Here, the
// window's `reports.export.start` call is answered in two steps:
//   1. the native save dialog asks where to save BEFORE anything is exported (closing it exports nothing
//      and answers an `invalid_input` error on `destination`, which the screen shows as a quiet note);
//   2. when core reports the export done, the temporary file is moved to the chosen path, and only then is
//      the final `reports.exportProgress` event passed on to the window, with `savedTo` added.
// The renderer never names a path: the path comes from the dialog, in this process.
// Electron primitives are injected (like ipc.ts), so this is testable without Electron.
import { copyFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { ExportStartInputSchema } from '../shared/contract';
import type { Envelope } from '../shared/errors';
import { exportFileName, exportFilePath } from './core/reports/export-service';
import type { Core, CoreEvent } from './core/types';

export interface SaveDialogLike {
  /** Electron: dialog.showSaveDialog(window, options) */
  showSaveDialog(options: { title: string; defaultPath: string; buttonLabel: string; filters: { name: string; extensions: string[] }[] }): Promise<{ canceled: boolean; filePath?: string | undefined }>;
}

export interface ExportDialogOptions {
  core: Pick<Core, 'callUnknown' | 'onEvent'>;
  dataDir: string;
  dialog: SaveDialogLike;
  /** the folder the dialog opens in (Electron: app.getPath('downloads')) */
  defaultDir: () => string;
  log?: (level: 'info' | 'warn' | 'error', message: string, detail?: Record<string, unknown>) => void;
}

async function move(from: string, to: string): Promise<void> {
  try {
    await rename(from, to);
  } catch (err) {
    if ((err as { code?: string }).code !== 'EXDEV') throw err;
    // another disk: copy, then delete the temporary file
    await copyFile(from, to);
    await rm(from, { force: true });
  }
}

/** A core for registerIpc: the same calls and events, with the save dialog around reports.export.start. */
export function withExportSaveDialog(opts: ExportDialogOptions): Pick<Core, 'callUnknown' | 'onEvent'> {
  const { core } = opts;
  /** exportId -> the path the merchant chose */
  const destinations = new Map<string, string>();

  return {
    async callUnknown(method, input, ctx) {
      if (method !== 'reports.export.start') return core.callUnknown(method, input, ctx);
      const parsed = ExportStartInputSchema.safeParse(input);
      // a bad input: let core answer it with its field error, before any dialog
      if (!parsed.success) return core.callUnknown(method, input, ctx);
      const choice = await opts.dialog.showSaveDialog({
        title: 'Save the CSV export',
        defaultPath: path.join(opts.defaultDir(), exportFileName(parsed.data)),
        buttonLabel: 'Export',
        filters: [{ name: 'CSV', extensions: ['csv'] }],
      });
      if (choice.canceled || !choice.filePath) {
        const cancelled: Envelope<never> = { ok: false, error: { code: 'invalid_input', field: 'destination', message: 'Nothing was exported: no file was chosen.', retryable: false } };
        return cancelled;
      }
      const env = await core.callUnknown(method, input, ctx);
      if (env.ok) destinations.set((env.value as { exportId: string }).exportId, choice.filePath);
      return env;
    },
    onEvent(listener) {
      return core.onEvent((event) => {
        if (event.name !== 'reports.exportProgress' || !event.payload.done) return listener(event);
        const p = event.payload;
        const dest = destinations.get(p.exportId);
        if (!dest) return listener(event);
        destinations.delete(p.exportId);
        if (p.error || p.cancelled) return listener(event);
        const tmp = exportFilePath(opts.dataDir, p.exportId);
        void (async () => {
          let out: CoreEvent;
          try {
            if (!tmp) throw new Error('bad export id');
            await move(tmp, dest);
            out = { name: 'reports.exportProgress', payload: { ...p, savedTo: dest } };
          } catch (err) {
            const code = (err as { code?: string }).code;
            opts.log?.('warn', 'could not move the export to the chosen file', { code: code ?? 'unknown' });
            out = { name: 'reports.exportProgress', payload: { ...p, error: `The export finished but could not be saved to ${dest}${code ? ` (${code})` : ''}. Choose another folder and export again.` } };
          }
          listener(out);
        })();
      });
    },
  };
}
