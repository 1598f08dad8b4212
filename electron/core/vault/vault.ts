// The vault: every secret (API secret keys, webhook secrets, tokens) sealed with AES-256-GCM under one
// random 256-bit data key; the data key is stored sealed by a KeyProtector. The AAD binds each
// ciphertext to its ref, so a sealed value copied onto another ref does not open.
// `get` is for core only: no RPC method returns a secret; the renderer sees `status(ref)`.
import { randomBytes } from 'node:crypto';
import { AppError } from '../../../shared/errors';
import type { Mode, SecretStatus } from '../../../shared/contract';
import type { SealedSecret, VaultRepo } from '../store/repos/vault';
import type { KeyProtector } from '../types';
import { KEY_BYTES, open, seal } from './aead';

export interface Vault {
  readonly protection: { kind: KeyProtector['kind']; description: string };
  /** seal and store (replacing any previous value of `ref`); `mode` is what the renderer may know */
  put(ref: string, secret: string, mode?: Mode | null): void;
  /** the secret in plain text, or null; throws AppError('internal') if its ciphertext was tampered with */
  get(ref: string): string | null;
  remove(ref: string): void;
  status(ref: string | null | undefined): SecretStatus;
  /** every secret held (for log redaction) */
  knownSecrets(): Iterable<string>;
}

const aad = (ref: string): Buffer => Buffer.from(`paydesk-vault:v1:${ref}`, 'utf8');
/** Short secrets show no last4: four characters would be too much of them. */
const last4Of = (secret: string): string | null => (secret.length >= 12 ? secret.slice(-4) : null);

const PROTECTOR_NAMES: Record<KeyProtector['kind'], string> = {
  safeStorage: 'the desktop app (Electron safeStorage)',
  keyring: 'the OS keyring',
  keyfile: 'a key file in the data folder',
};

const protectorName = (kind: string): string => PROTECTOR_NAMES[kind as KeyProtector['kind']] ?? kind;

async function loadDataKey(repo: VaultRepo, protector: KeyProtector, now: number): Promise<Buffer> {
  const meta = repo.sealedKey();
  if (!meta) {
    const dataKey = randomBytes(KEY_BYTES);
    const sealed = await protector.protect(dataKey);
    repo.storeSealedKey(protector.kind, sealed, now);
    return dataKey;
  }
  if (meta.protector !== protector.kind) {
    throw new AppError(
      'unavailable',
      `The saved keys were sealed with ${protectorName(meta.protector)}, but this run uses ${PROTECTOR_NAMES[protector.kind]}. ` +
        'Open this data folder the way it was created (desktop app or browser mode), or reconnect the accounts in a new data folder.',
    );
  }
  let dataKey: Buffer;
  try {
    dataKey = await protector.unprotect(meta.sealedKey);
  } catch (cause) {
    throw new AppError('unavailable', `The saved keys could not be unlocked with ${PROTECTOR_NAMES[protector.kind]}. Was the key file or keyring entry removed or replaced?`, { cause });
  }
  if (dataKey.length !== KEY_BYTES) throw new AppError('unavailable', 'The vault data key has an unexpected length');
  return dataKey;
}

/** `source` is the vault repository (a raw connection is still accepted while the composition root moves to it). */
export async function openVault(repo: VaultRepo, protector: KeyProtector, now: () => number = Date.now): Promise<Vault> {
  const dataKey = await loadDataKey(repo, protector, now());

  const decrypt = (row: SealedSecret): string => {
    try {
      return open(dataKey, row, aad(row.ref)).toString('utf8');
    } catch (cause) {
      throw new AppError('internal', `A stored secret (${row.ref}) failed its integrity check; replace it.`, { cause });
    }
  };

  // plain-text copies kept in memory only so the logger can redact them
  const known = new Map<string, string>();
  for (const row of repo.allSecrets()) {
    try {
      known.set(row.ref, decrypt(row));
    } catch {
      // a damaged row is reported when it is used
    }
  }

  return {
    protection: { kind: protector.kind, description: protector.description },
    put(ref, secret, mode = null) {
      if (secret.length === 0) throw new AppError('invalid_input', 'A secret cannot be empty');
      const s = seal(dataKey, Buffer.from(secret, 'utf8'), aad(ref));
      repo.putSecret({ ref, ...s, last4: last4Of(secret), mode }, now());
      known.set(ref, secret);
    },
    get(ref) {
      const row = repo.secret(ref);
      return row ? decrypt(row) : null;
    },
    remove(ref) {
      repo.removeSecret(ref);
      known.delete(ref);
    },
    status(ref) {
      const row = ref ? repo.secret(ref) : undefined;
      return row ? { configured: true, last4: row.last4, mode: row.mode } : { configured: false, last4: null, mode: null };
    },
    knownSecrets() {
      return known.values();
    },
  };
}
