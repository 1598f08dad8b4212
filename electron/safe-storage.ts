// A KeyProtector backed by Electron safeStorage (macOS Keychain, Windows DPAPI, Linux libsecret/kwallet),
// passed INTO core: core never imports electron. Use only after app 'ready'.
// When safeStorage cannot really protect the key, this refuses and says why, and main.ts leaves the
// protector to core's default (OS keyring if reachable, else the 0600 key file), which Settings names.
import { safeStorage } from 'electron';
import type { KeyProtector } from './core/types';

export type SafeStorageProtectorResult = { ok: true; protector: KeyProtector } | { ok: false; reason: string };

export function createSafeStorageProtector(platform: NodeJS.Platform = process.platform): SafeStorageProtectorResult {
  if (!safeStorage.isEncryptionAvailable()) {
    return { ok: false, reason: 'Electron safeStorage is not available on this system (no OS secret store).' };
  }
  let backend = '';
  if (platform === 'linux') {
    backend = safeStorage.getSelectedStorageBackend();
    // 'basic_text' encrypts with a hard-coded password: that is not protection, so refuse it.
    if (backend === 'basic_text' || backend === 'unknown') {
      return { ok: false, reason: `Electron safeStorage has no OS secret store on this Linux desktop (backend: ${backend}).` };
    }
  }
  const store =
    platform === 'darwin' ? 'the macOS Keychain' : platform === 'win32' ? 'Windows DPAPI' : platform === 'linux' ? `the Linux secret store (${backend})` : 'the OS secret store';
  return {
    ok: true,
    protector: {
      kind: 'safeStorage',
      description: `Sealed with ${store} through Electron safeStorage`,
      async protect(dataKey: Buffer): Promise<Buffer> {
        return safeStorage.encryptString(dataKey.toString('base64'));
      },
      async unprotect(sealed: Buffer): Promise<Buffer> {
        return Buffer.from(safeStorage.decryptString(sealed), 'base64');
      },
    },
  };
}
