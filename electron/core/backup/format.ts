// The backup file: ONE file holding a snapshot of the database, the vault's data key wrapped with the
// owner's recovery passphrase, and a manifest saying what is inside.
//
//   MAGIC (16 bytes "PAYDESK-BACKUP" 0x00 0x01)
//   u32 big-endian: length of the header
//   header: UTF-8 JSON { format: 1, manifest, key: WrappedKey, cipher: { alg, salt, nonce } }
//   the snapshot, encrypted with AES-256-GCM
//   the GCM tag (16 bytes)
//   SHA-256 of every byte above (32 bytes)
//
// Keys. The passphrase goes through scrypt (N, r, p and salt in `key.kdf`) to a key-encryption key that
// wraps the vault's data key (AES-256-GCM, AAD = the KDF parameters). The snapshot is encrypted under a
// key derived from the DATA key (HKDF-SHA256 with a per-file salt), with everything before it (magic,
// length, header = manifest, wrapped key, cipher parameters) as associated data, so the whole file is
// authenticated: a changed byte anywhere, or a cut-off file, does not open. The trailing SHA-256 is not
// a secret check: it only lets a damaged file be named as damaged before any passphrase is tried.
//
// Why the snapshot key comes from the data key and not the passphrase: scheduled backups run without
// anyone typing the passphrase. When the owner sets it (once), Paydesk keeps only the wrapped data key in
// the settings table (useless without the passphrase, and the verifier for it); each backup copies that
// wrapped key in and encrypts with the data key it already holds. Opening a backup still needs the
// passphrase: without it the data key, and so the snapshot, stay sealed.
import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes, scrypt as scryptCb } from 'node:crypto';
import { z } from 'zod';
import { BackupManifestSchema } from '../../../shared/contract/backup';
import { AppError } from '../../../shared/errors';

export const MAGIC = Buffer.from('PAYDESK-BACKUP\u0000\u0001', 'latin1');
export const FORMAT = 1;
export const BACKUP_EXT = '.paydesk-backup';
const TAG = 16;
const SHA = 32;
const MAX_HEADER = 64 * 1024;

/** scrypt cost: 2^15 x 8 x 128 bytes = 32 MiB of memory per attempt */
export const SCRYPT = { N: 2 ** 15, r: 8, p: 1 } as const;
const MIN_N = 2 ** 15;
const MAX_N = 2 ** 20;

const b64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/);

export const ManifestSchema = BackupManifestSchema;
export type Manifest = z.infer<typeof ManifestSchema>;

export const WrappedKeySchema = z.object({
  kdf: z.object({ name: z.literal('scrypt'), N: z.number().int().min(MIN_N).max(MAX_N), r: z.number().int().min(1).max(32), p: z.number().int().min(1).max(16), salt: b64 }),
  nonce: b64,
  tag: b64,
  ciphertext: b64,
});
export type WrappedKey = z.infer<typeof WrappedKeySchema>;

const HeaderSchema = z.object({
  format: z.number().int(),
  manifest: ManifestSchema,
  key: WrappedKeySchema,
  cipher: z.object({ alg: z.literal('aes-256-gcm'), salt: b64, nonce: b64 }),
});

const refuse = (message: string): AppError => new AppError('invalid_input', message);

function kek(passphrase: string, kdf: WrappedKey['kdf']): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scryptCb(passphrase.normalize('NFC'), Buffer.from(kdf.salt, 'base64'), 32, { N: kdf.N, r: kdf.r, p: kdf.p, maxmem: 256 * kdf.N * kdf.r + 1024 * 1024 }, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

const wrapAad = (kdf: WrappedKey['kdf']): Buffer => Buffer.from(`paydesk-backup-key:v1:${kdf.name}:${kdf.N}:${kdf.r}:${kdf.p}:${kdf.salt}`, 'utf8');

/** The data key wrapped with a key scrypt derives from the passphrase (the passphrase is not kept). */
export async function wrapDataKey(dataKey: Buffer, passphrase: string, cost: { N: number; r: number; p: number } = SCRYPT): Promise<WrappedKey> {
  const kdf = { name: 'scrypt' as const, ...cost, salt: randomBytes(16).toString('base64') };
  const nonce = randomBytes(12);
  const c = createCipheriv('aes-256-gcm', await kek(passphrase, kdf), nonce, { authTagLength: TAG });
  c.setAAD(wrapAad(kdf));
  const ciphertext = Buffer.concat([c.update(dataKey), c.final()]);
  return { kdf, nonce: nonce.toString('base64'), tag: c.getAuthTag().toString('base64'), ciphertext: ciphertext.toString('base64') };
}

/** The data key, or an AppError saying the passphrase does not open it. */
export async function unwrapDataKey(w: WrappedKey, passphrase: string): Promise<Buffer> {
  try {
    const d = createDecipheriv('aes-256-gcm', await kek(passphrase, w.kdf), Buffer.from(w.nonce, 'base64'), { authTagLength: TAG });
    d.setAAD(wrapAad(w.kdf));
    d.setAuthTag(Buffer.from(w.tag, 'base64'));
    return Buffer.concat([d.update(Buffer.from(w.ciphertext, 'base64')), d.final()]);
  } catch {
    throw refuse('The recovery passphrase does not open this backup (check it, including capitals). Nothing was changed.');
  }
}

const fileKey = (dataKey: Buffer, salt: Buffer): Buffer => Buffer.from(hkdfSync('sha256', dataKey, salt, 'paydesk-backup-file:v1', 32));

export const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

/** The whole backup file for `snapshot` (the database file's bytes). */
export function encodeBackup(args: { manifest: Manifest; key: WrappedKey; dataKey: Buffer; snapshot: Buffer }): Buffer {
  const salt = randomBytes(32);
  const nonce = randomBytes(12);
  const header = Buffer.from(JSON.stringify({ format: FORMAT, manifest: args.manifest, key: args.key, cipher: { alg: 'aes-256-gcm', salt: salt.toString('base64'), nonce: nonce.toString('base64') } }), 'utf8');
  const len = Buffer.alloc(4);
  len.writeUInt32BE(header.length);
  const prefix = Buffer.concat([MAGIC, len, header]);
  const c = createCipheriv('aes-256-gcm', fileKey(args.dataKey, salt), nonce, { authTagLength: TAG });
  c.setAAD(prefix);
  const body = Buffer.concat([prefix, c.update(args.snapshot), c.final(), c.getAuthTag()]);
  return Buffer.concat([body, createHash('sha256').update(body).digest()]);
}

export interface ReadBackup {
  manifest: Manifest;
  key: WrappedKey;
  /** decrypts and checks the snapshot with the data key unwrapped from `key` */
  open(dataKey: Buffer): Buffer;
}

/**
 * Reads the parts of a backup that need no passphrase (the manifest, for the owner to see) after checking
 * the file is whole. Refuses, with a message for the owner, a file that is not a backup, is damaged or cut
 * off, or comes from a newer format.
 */
export function decodeBackup(file: Buffer): ReadBackup {
  if (file.length < MAGIC.length + 4 || !file.subarray(0, MAGIC.length).equals(MAGIC)) {
    throw refuse('This file is not a Paydesk backup. Nothing was changed.');
  }
  const damaged = refuse('This backup file is damaged or incomplete (it does not match its checksum). Use another copy. Nothing was changed.');
  if (file.length < MAGIC.length + 4 + TAG + SHA) throw damaged;
  const body = file.subarray(0, file.length - SHA);
  if (!createHash('sha256').update(body).digest().equals(file.subarray(file.length - SHA))) throw damaged;
  const headerLen = file.readUInt32BE(MAGIC.length);
  const start = MAGIC.length + 4;
  if (headerLen > MAX_HEADER || start + headerLen + TAG > body.length) throw damaged;
  let raw: unknown;
  try {
    raw = JSON.parse(body.subarray(start, start + headerLen).toString('utf8'));
  } catch {
    throw damaged;
  }
  if (typeof raw === 'object' && raw !== null && typeof (raw as { format?: unknown }).format === 'number' && (raw as { format: number }).format > FORMAT) {
    throw refuse('This backup was written by a newer version of Paydesk (a newer backup format). Update Paydesk, then restore it. Nothing was changed.');
  }
  const parsed = HeaderSchema.safeParse(raw);
  if (!parsed.success || parsed.data.format !== FORMAT) throw damaged;
  const h = parsed.data;
  const prefix = body.subarray(0, start + headerLen);
  const ciphertext = body.subarray(start + headerLen, body.length - TAG);
  const tag = body.subarray(body.length - TAG);
  return {
    manifest: h.manifest,
    key: h.key,
    open(dataKey) {
      let snapshot: Buffer;
      try {
        const d = createDecipheriv('aes-256-gcm', fileKey(dataKey, Buffer.from(h.cipher.salt, 'base64')), Buffer.from(h.cipher.nonce, 'base64'), { authTagLength: TAG });
        d.setAAD(prefix);
        d.setAuthTag(tag);
        snapshot = Buffer.concat([d.update(ciphertext), d.final()]);
      } catch {
        throw refuse('This backup file was modified after it was written (it fails its authentication). Use another copy. Nothing was changed.');
      }
      if (snapshot.length !== h.manifest.snapshotBytes || sha256(snapshot) !== h.manifest.snapshotSha256) {
        throw refuse('The database inside this backup does not match its manifest. Use another copy. Nothing was changed.');
      }
      return snapshot;
    },
  };
}
