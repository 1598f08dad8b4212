// The vault's tables: the sealed data key (vault_meta, one row) and the sealed secrets (vault_secrets).
// Sealing and opening are core/vault's job; this stores and returns the bytes.
import type { Mode } from '../../../../shared/contract';
import type { SqlDb } from '../sql';

export interface SealedKey {
  /** the KeyProtector kind that sealed it */
  protector: string;
  sealedKey: Buffer;
}

export interface SealedSecret {
  ref: string;
  nonce: Buffer;
  ciphertext: Buffer;
  tag: Buffer;
  last4: string | null;
  mode: Mode | null;
}

export function vaultRepo(db: SqlDb) {
  const meta = db.prepare('SELECT protector, sealed_key FROM vault_meta WHERE id = 1');
  const insertMeta = db.prepare('INSERT INTO vault_meta (id, protector, sealed_key, created_at) VALUES (1, ?, ?, ?)');
  const one = db.prepare('SELECT ref, nonce, ciphertext, tag, last4, mode FROM vault_secrets WHERE ref = ?');
  const all = db.prepare('SELECT ref, nonce, ciphertext, tag, last4, mode FROM vault_secrets');
  const upsert = db.prepare(`INSERT INTO vault_secrets (ref, nonce, ciphertext, tag, last4, mode, created_at, updated_at)
    VALUES (@ref, @nonce, @ciphertext, @tag, @last4, @mode, @now, @now)
    ON CONFLICT (ref) DO UPDATE SET nonce = excluded.nonce, ciphertext = excluded.ciphertext, tag = excluded.tag,
      last4 = excluded.last4, mode = excluded.mode, updated_at = excluded.updated_at`);
  const del = db.prepare('DELETE FROM vault_secrets WHERE ref = ?');

  const sealedKey = (): SealedKey | null => {
    const row = meta.get() as { protector: string; sealed_key: Buffer } | undefined;
    return row ? { protector: row.protector, sealedKey: row.sealed_key } : null;
  };

  return {
    /** the data key as the protector sealed it; null before the vault was first opened */
    sealedKey,
    /** the kind of protector that sealed the data key; null before the vault was first opened */
    sealedWith: (): string | null => sealedKey()?.protector ?? null,
    /** the first data key of this desk */
    storeSealedKey(protector: string, sealed: Buffer, at: number): void {
      insertMeta.run(protector, sealed, at);
    },
    secret(ref: string): SealedSecret | undefined {
      return one.get(ref) as SealedSecret | undefined;
    },
    allSecrets: (): SealedSecret[] => all.all() as SealedSecret[],
    /** stores `s`, replacing any earlier secret of its ref */
    putSecret(s: SealedSecret, at: number): void {
      upsert.run({ ...s, now: at });
    },
    removeSecret(ref: string): void {
      del.run(ref);
    },
  };
}

export type VaultRepo = ReturnType<typeof vaultRepo>;

