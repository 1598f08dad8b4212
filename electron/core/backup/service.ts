// Settings → Backup: the recovery passphrase (set once), the folder, how many to keep, the schedule, and
// "back up now". Built in createCore; its timer is stopped in close().
//
// The passphrase is never stored. Setting it stores the vault's data key wrapped with a scrypt key derived
// from it (format.ts: `WrappedKey`) in the settings table under `backup.key`. That wrapped key is what goes
// into every backup, so the schedule runs with nobody typing the passphrase, and it doubles as the verifier
// (a passphrase is right when it unwraps it). Anyone who reads the database learns nothing from it without
// the passphrase; anyone who has the data key already holds more than a backup would give them.
import { readdirSync, rmSync, statSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { z } from 'zod';
import { MIN_BACKUP_PASSPHRASE } from '../../../shared/contract/backup';
import { AppError } from '../../../shared/errors';
import type { SettingsRepo } from '../store/repos/settings';
import type { BackupStore } from '../store/snapshot';
import type { Log } from '../log';
import { ensurePrivateDir } from '../private-fs';
import { BACKUP_EXT, unwrapDataKey, wrapDataKey, WrappedKeySchema, type WrappedKey } from './format';
import { writeBackup } from './snapshot';
import { inspectBackup, stageRestore } from './restore';
import type { KeyProtector } from '../types';

export const BackupConfigSchema = z.object({
  folder: z.string().nullable(),
  keep: z.number().int().min(1).max(365),
  /** hours between automatic backups; 0 = no schedule */
  everyHours: z.number().int().min(0).max(24 * 30),
});
export type BackupConfig = z.infer<typeof BackupConfigSchema>;
export const DEFAULT_BACKUP_CONFIG: BackupConfig = { folder: null, keep: 14, everyHours: 24 };

const LastSchema = z.object({ at: z.number().int(), file: z.string(), bytes: z.number().int() });
const FailureSchema = z.object({ at: z.number().int(), message: z.string() });

/** A backup counts as stale once it is this much older than the schedule asks for. */
const GRACE_MS = 60 * 60 * 1000;
const TICK_MS = 60 * 1000;
export const MIN_PASSPHRASE = MIN_BACKUP_PASSPHRASE;

export interface BackupStatus {
  passphraseSet: boolean;
  config: BackupConfig;
  last: { at: number; file: string; bytes: number } | null;
  lastFailure: { at: number; message: string } | null;
  /** true when a schedule is set and the last good backup is older than it allows (or there is none) */
  stale: boolean;
}

/** The store part: `backup` (BackupRepo) and `snapshots` (SnapshotRepo) from store.repos. */
export type BackupServiceDeps = BackupStore & BackupServiceOptions;

export interface BackupServiceOptions {
  dataDir: string;
  settings: SettingsRepo;
  /** the vault's data key, unsealed with this machine's protector */
  dataKey: () => Promise<Buffer>;
  /** this machine's protector: a restored desk's data key is re-sealed with it */
  protector?: KeyProtector;
  appVersion: string;
  now: () => number;
  log: Log;
  /** told after each backup attempt (to push backup.changed) */
  onChange?: () => void;
}

const fileName = (now: number): string => `paydesk-${new Date(now).toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z').replace('T', '-')}${BACKUP_EXT}`;
const OURS = new RegExp(`^paydesk-\\d{8}-\\d{6}Z${BACKUP_EXT.replace('.', '\\.')}$`);

export function createBackupService(d: BackupServiceDeps) {
  const store: BackupStore = { backup: d.backup, snapshots: d.snapshots };
  const config = (): BackupConfig => d.settings.get('backup.config', BackupConfigSchema, DEFAULT_BACKUP_CONFIG);
  const wrapped = (): WrappedKey | null => d.settings.get('backup.key', WrappedKeySchema.nullable(), null);
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<unknown> | null = null;

  const status = (): BackupStatus => {
    const c = config();
    const last = d.settings.get('backup.last', LastSchema.nullable(), null);
    const passphraseSet = wrapped() !== null;
    const scheduled = passphraseSet && c.folder !== null && c.everyHours > 0;
    const stale = scheduled && (last === null || d.now() - last.at > c.everyHours * 3_600_000 + GRACE_MS);
    return { passphraseSet, config: c, last, lastFailure: d.settings.get('backup.failure', FailureSchema.nullable(), null), stale };
  };

  /** Deletes our own backup files in `folder` beyond the newest `keep` (other files are never touched). */
  const prune = (folder: string, keep: number): string[] => {
    const ours = readdirSync(folder).filter((n) => OURS.test(n)).sort().reverse();
    const gone = ours.slice(keep);
    for (const n of gone) rmSync(join(folder, n), { force: true });
    return gone;
  };

  const run = async (): Promise<{ file: string; bytes: number; at: number }> => {
    const key = wrapped();
    const c = config();
    if (!key) throw new AppError('invalid_input', 'Set a recovery passphrase first: a backup cannot be opened without it.', { field: 'passphrase' });
    if (!c.folder) throw new AppError('invalid_input', 'Choose the folder the backups go to first.', { field: 'folder' });
    const at = d.now();
    try {
      ensurePrivateDir(c.folder);
      const w = await writeBackup({ snapshots: store.snapshots, workDir: d.dataDir, dataKey: await d.dataKey(), key, appVersion: d.appVersion, now: at, to: join(c.folder, fileName(at)) });
      d.settings.set('backup.last', { at, file: w.file, bytes: w.bytes });
      d.settings.remove('backup.failure');
      prune(c.folder, c.keep);
      d.log('info', `backup written to ${w.file} (${w.bytes} bytes)`);
      return { file: w.file, bytes: w.bytes, at };
    } catch (err) {
      const message = err instanceof AppError ? err.message : `The backup could not be written to ${c.folder} (${(err as NodeJS.ErrnoException).code ?? 'error'}).`;
      d.settings.set('backup.failure', { at, message });
      d.log('warn', 'backup failed', { error: err instanceof Error ? err.message : String(err) });
      throw err instanceof AppError ? err : new AppError('unavailable', message);
    } finally {
      d.onChange?.();
    }
  };

  /** one backup at a time: a second request waits for the first and then runs */
  const backupNow = async (): Promise<{ file: string; bytes: number; at: number }> => {
    while (running) await running.catch(() => undefined);
    const p = run();
    running = p;
    try {
      return await p;
    } finally {
      running = null;
    }
  };

  /** the schedule: runs a backup when one is due (called every minute, and by tests) */
  const tick = async (): Promise<boolean> => {
    const s = status();
    if (!s.passphraseSet || !s.config.folder || s.config.everyHours === 0 || running) return false;
    const lastTry = Math.max(s.last?.at ?? 0, s.lastFailure?.at ?? 0);
    // after a failure, try again an hour later rather than every minute
    const due = s.lastFailure && s.lastFailure.at === lastTry ? d.now() - lastTry >= GRACE_MS : d.now() - (s.last?.at ?? 0) >= s.config.everyHours * 3_600_000;
    if (!due) return false;
    await backupNow().catch(() => undefined);
    return true;
  };

  return {
    status,
    backupNow,
    tick,
    prune,
    async setPassphrase(passphrase: string): Promise<void> {
      if (passphrase.length < MIN_PASSPHRASE) throw new AppError('invalid_input', `Use at least ${MIN_PASSPHRASE} characters: several unrelated words are easy to keep and hard to guess.`, { field: 'passphrase' });
      d.settings.set('backup.key', await wrapDataKey(await d.dataKey(), passphrase));
    },
    /** true when `passphrase` is the one set (it unwraps the stored key) */
    async checkPassphrase(passphrase: string): Promise<boolean> {
      const key = wrapped();
      if (!key) return false;
      return unwrapDataKey(key, passphrase).then(() => true, () => false);
    },
    configure(next: Partial<BackupConfig>): BackupConfig {
      const c = BackupConfigSchema.parse({ ...config(), ...next });
      if (c.folder !== null) {
        if (!isAbsolute(c.folder)) throw new AppError('invalid_input', 'Give the backup folder as a full path (for example /media/usb/paydesk).', { field: 'folder' });
        try {
          ensurePrivateDir(c.folder);
          if (!statSync(c.folder).isDirectory()) throw new Error('not a folder');
        } catch {
          throw new AppError('invalid_input', `Paydesk cannot write to ${c.folder}. Choose a folder you can write to.`, { field: 'folder' });
        }
      }
      d.settings.set('backup.config', c);
      return c;
    },
    /** what a backup file holds (its manifest), and whether restoring it would replace a desk here */
    inspect(file: string) {
      if (!isAbsolute(file)) throw new AppError('invalid_input', 'Give the backup file as a full path.', { field: 'file' });
      return { manifest: inspectBackup(file).manifest, replacesDesk: store.backup.hasData() };
    },
    /** checks the backup, re-seals its key with this machine's protector, and leaves it for the next start */
    async restore(file: string, passphrase: string, replace: boolean) {
      if (!d.protector) throw new AppError('unavailable', 'Restoring is not available here.');
      const { replacesDesk } = this.inspect(file);
      if (replacesDesk && !replace) {
        throw new AppError('conflict', 'This Paydesk already holds a desk. Confirm that the backup should replace it (it is copied aside first).', { field: 'replace' });
      }
      const manifest = await stageRestore({ dataDir: d.dataDir, from: file, passphrase, protector: d.protector });
      return { manifest, replacesDesk };
    },
    start(): void {
      if (timer) return;
      timer = setInterval(() => void tick(), TICK_MS);
      timer.unref();
    },
    async stop(): Promise<void> {
      if (timer) clearInterval(timer);
      timer = null;
      await running?.catch(() => undefined);
    },
  };
}

export type BackupService = ReturnType<typeof createBackupService>;
