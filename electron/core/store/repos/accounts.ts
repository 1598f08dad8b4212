// The accounts table. Rows hold vault refs, never secrets.
import type { Gateway, Mode } from '../../../../shared/contract';
import type { SqlDb } from '../sql';

export type VerificationStatus = 'unverified' | 'verified' | 'failed';
export type BuiltinAccount = 'sandbox-stripe' | 'sandbox-razorpay';

export interface AccountRow {
  id: string;
  gateway: Gateway;
  mode: Mode;
  livemode: boolean;
  label: string;
  publicKey: string | null;
  secretKeyRef: string | null;
  webhookSecretRef: string | null;
  sandbox: boolean;
  builtin: BuiltinAccount | null;
  verificationStatus: VerificationStatus;
  verifiedAt: number | null;
  verificationMessage: string | null;
  createdAt: number;
  updatedAt: number;
}

interface Raw {
  id: string; gateway: Gateway; mode: Mode; livemode: number; label: string; public_key: string | null;
  secret_key_ref: string | null; webhook_secret_ref: string | null; sandbox: number; builtin: BuiltinAccount | null;
  verification_status: VerificationStatus; verified_at: number | null; verification_message: string | null;
  created_at: number; updated_at: number;
}

const fromRaw = (r: Raw): AccountRow => ({
  id: r.id,
  gateway: r.gateway,
  mode: r.mode,
  livemode: r.livemode === 1,
  label: r.label,
  publicKey: r.public_key,
  secretKeyRef: r.secret_key_ref,
  webhookSecretRef: r.webhook_secret_ref,
  sandbox: r.sandbox === 1,
  builtin: r.builtin,
  verificationStatus: r.verification_status,
  verifiedAt: r.verified_at,
  verificationMessage: r.verification_message,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export type AccountPatch = Partial<Pick<AccountRow, 'label' | 'publicKey' | 'secretKeyRef' | 'webhookSecretRef' | 'verificationStatus' | 'verifiedAt' | 'verificationMessage'>>;

const COLUMNS: Record<keyof AccountPatch, string> = {
  label: 'label',
  publicKey: 'public_key',
  secretKeyRef: 'secret_key_ref',
  webhookSecretRef: 'webhook_secret_ref',
  verificationStatus: 'verification_status',
  verifiedAt: 'verified_at',
  verificationMessage: 'verification_message',
};

export function accountsRepo(db: SqlDb) {
  const byId = db.prepare('SELECT * FROM accounts WHERE id = ?');
  const byBuiltin = db.prepare('SELECT * FROM accounts WHERE builtin = ?');
  const all = db.prepare('SELECT * FROM accounts ORDER BY created_at, id');
  const insert = db.prepare(`INSERT INTO accounts
    (id, gateway, mode, livemode, label, public_key, secret_key_ref, webhook_secret_ref, sandbox, builtin,
     verification_status, verified_at, verification_message, created_at, updated_at)
    VALUES (@id, @gateway, @mode, @livemode, @label, @publicKey, @secretKeyRef, @webhookSecretRef, @sandbox, @builtin,
     @verificationStatus, @verifiedAt, @verificationMessage, @createdAt, @updatedAt)`);
  const del = db.prepare('DELETE FROM accounts WHERE id = ?');

  return {
    get(id: string): AccountRow | null {
      const r = byId.get(id) as Raw | undefined;
      return r ? fromRaw(r) : null;
    },
    getBuiltin(builtin: BuiltinAccount): AccountRow | null {
      const r = byBuiltin.get(builtin) as Raw | undefined;
      return r ? fromRaw(r) : null;
    },
    list(): AccountRow[] {
      return (all.all() as Raw[]).map(fromRaw);
    },
    insert(row: AccountRow): void {
      insert.run({ ...row, livemode: row.livemode ? 1 : 0, sandbox: row.sandbox ? 1 : 0 });
    },
    /** undefined fields are left alone; null clears the column */
    update(id: string, patch: AccountPatch, updatedAt: number): void {
      const keys = (Object.keys(patch) as (keyof AccountPatch)[]).filter((k) => patch[k] !== undefined);
      const sets = keys.map((k) => `${COLUMNS[k]} = @${k}`);
      sets.push('updated_at = @updatedAt');
      const params: Record<string, unknown> = { id, updatedAt };
      for (const k of keys) params[k] = patch[k];
      db.prepare(`UPDATE accounts SET ${sets.join(', ')} WHERE id = @id`).run(params);
    },
    remove(id: string): boolean {
      return del.run(id).changes > 0;
    },
  };
}

export type AccountsRepo = ReturnType<typeof accountsRepo>;
