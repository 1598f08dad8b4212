// Methods and events of Settings → Backup: the recovery passphrase (set once; only the data key
// wrapped with it is kept), the folder, how many backups to keep, the schedule, and "back up now".
import { z } from 'zod';
import { EmptySchema, mutation, owner, ownerReads, query, STAFF } from './define';

export const MIN_BACKUP_PASSPHRASE = 12;

export const BackupStatusSchema = z.object({
  /** a recovery passphrase was set (the passphrase itself is never stored) */
  passphraseSet: z.boolean(),
  config: z.object({
    /** the folder backups go to; null = not chosen */
    folder: z.string().nullable(),
    /** how many backups the folder keeps (older ones Paydesk made are deleted) */
    keep: z.number().int(),
    /** hours between automatic backups; 0 = no schedule */
    everyHours: z.number().int(),
  }),
  last: z.object({ at: z.number().int(), file: z.string(), bytes: z.number().int() }).nullable(),
  lastFailure: z.object({ at: z.number().int(), message: z.string() }).nullable(),
  /** a schedule is set and the last good backup is older than it allows (or there is none) */
  stale: z.boolean(),
});
export type BackupStatus = z.infer<typeof BackupStatusSchema>;

export const BackupPassphraseInputSchema = z.object({
  passphrase: z.string().min(MIN_BACKUP_PASSPHRASE, `Use at least ${MIN_BACKUP_PASSPHRASE} characters: a few unrelated words are easy to keep and hard to guess`).max(1024),
  /** the passphrase set before, required to change it */
  current: z.string().max(1024).optional(),
}).strict();

export const BackupConfigInputSchema = z.object({
  folder: z.string().trim().min(1, 'Choose a folder').max(1024).nullable().optional(),
  keep: z.number().int().min(1, 'Keep at least 1 backup').max(365, 'Keep at most 365 backups').optional(),
  everyHours: z.number().int().min(0).max(24 * 30, 'At most every 30 days').optional(),
}).strict();

export const BackupMadeSchema = z.object({ file: z.string(), bytes: z.number().int(), at: z.number().int() });

/** what a backup file says it holds (readable without the passphrase; authenticated with the file) */
export const BackupManifestSchema = z.object({
  appVersion: z.string(),
  /** the last migration applied to the snapshot */
  schemaVersion: z.number().int().nonnegative(),
  createdAt: z.number().int(),
  counts: z.object({ payments: z.number().int(), refunds: z.number().int(), auditRows: z.number().int(), operators: z.number().int() }),
  /** captured and refunded minor units per currency and mode */
  sums: z.array(z.object({ currency: z.string(), livemode: z.boolean(), capturedMinor: z.number().int(), refundedMinor: z.number().int() })),
  snapshotSha256: z.string().regex(/^[0-9a-f]{64}$/),
  snapshotBytes: z.number().int().nonnegative(),
});
export type BackupManifest = z.infer<typeof BackupManifestSchema>;

const BackupFileSchema = z.string().trim().min(1, 'Enter the backup file\'s full path').max(4096);

export const BackupInspectSchema = z.object({
  manifest: BackupManifestSchema,
  /** restoring would replace the desk this Paydesk holds now (it is copied aside first) */
  replacesDesk: z.boolean(),
});

export const BackupRestoreInputSchema = z.object({
  file: BackupFileSchema,
  passphrase: z.string().min(1, 'Enter the recovery passphrase').max(1024),
  /** the explicit confirmation that a desk already here is replaced */
  replace: z.boolean().default(false),
}).strict();

export const BackupRestoredSchema = z.object({
  manifest: BackupManifestSchema,
  replacesDesk: z.boolean(),
  /** the restored desk takes over when Paydesk next starts */
  restartNeeded: z.literal(true),
});

export const backupMethods = {
  /** staff may read it: the Overview warns whoever is at the desk when backups are stale */
  'backup.status': query(EmptySchema, BackupStatusSchema, STAFF),
  'backup.setPassphrase': mutation(BackupPassphraseInputSchema, BackupStatusSchema, owner('set the recovery passphrase for backups')),
  'backup.configure': mutation(BackupConfigInputSchema, BackupStatusSchema, owner('choose where and how often backups are made')),
  'backup.run': mutation(EmptySchema, BackupMadeSchema, owner('make a backup')),
  'backup.inspect': query(z.object({ file: BackupFileSchema }).strict(), BackupInspectSchema, ownerReads('open backup files')),
  /** checked and re-sealed now; the restored desk takes over at the next start */
  'backup.restore': mutation(BackupRestoreInputSchema, BackupRestoredSchema, owner('restore a backup')),
};

export const backupEvents = {
  /** a backup was made or failed, or the settings changed: refetch backup.status */
  'backup.changed': z.object({}),
};
