// Accounts: connect, update, verify and remove gateway accounts. Secrets go to the vault in the same
// transaction as the row; the renderer only ever gets `toWire(row)` (a SecretStatus per secret).
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { Account, AccountInput, Mode } from '../../../shared/contract';
import type { AccountUpdateSchema } from '../../../shared/contract';
import { AppError, invalid } from '../../../shared/errors';
import { gatewayLabel, type Gateway } from '../../../shared/gateways';
import type { CoreEvents } from '../events';
import type { Gateways } from '../gateways';
import type { Log } from '../log';
import type { AccountRow, AccountsRepo, BuiltinAccount, VerificationStatus } from '../store/repos/accounts';
import type { SettingsRepo } from '../store/repos/settings';
import type { Transact } from '../store/transaction';
import type { Clock, CoreOptions } from '../types';
import type { Vault } from '../vault';
import { changesReturnPages, nextShopReturn, saveShopReturn, shopReturnOf } from './return-pages';

export type AccountUpdate = z.output<typeof AccountUpdateSchema>;
type SandboxInfo = NonNullable<CoreOptions['sandbox']>;

export const secretRef = (accountId: string, which: 'secretKey' | 'webhookSecret'): string => `account:${accountId}:${which}`;
const newId = (): string => `acc_${randomBytes(8).toString('hex')}`;
type SandboxKey = keyof SandboxInfo['keys'];
/** the built-in sandbox accounts, with the sandbox keys each one uses */
const BUILTINS: { builtin: BuiltinAccount; gateway: Gateway; label: string; publicKey: SandboxKey; secret: SandboxKey }[] = [
  { builtin: 'sandbox-stripe', gateway: 'stripe', label: 'Sandbox Stripe', publicKey: 'STRIPE_PUBLISHABLE_KEY', secret: 'STRIPE_SECRET_KEY' },
  { builtin: 'sandbox-razorpay', gateway: 'razorpay', label: 'Sandbox Razorpay', publicKey: 'RAZORPAY_KEY_ID', secret: 'RAZORPAY_KEY_SECRET' },
];
const removedKey = (b: BuiltinAccount): string => `accounts.builtinRemoved.${b}`;

interface Verification { status: VerificationStatus; at: number | null; message: string | null }

export interface AccountsServiceDeps {
  transaction: Transact;
  repo: AccountsRepo;
  settings: SettingsRepo;
  vault: Vault;
  gateways: Gateways;
  events: CoreEvents;
  clock: Clock;
  log: Log;
}

export function createAccountsService(d: AccountsServiceDeps) {
  const { repo, vault, gateways, events, clock, transaction } = d;

  const toWire = (row: AccountRow): Account => ({
    id: row.id,
    gateway: row.gateway,
    mode: row.mode,
    label: row.label,
    publicKey: row.publicKey,
    secretKey: vault.status(row.secretKeyRef),
    webhookSecret: vault.status(row.webhookSecretRef),
    sandbox: row.sandbox,
    verification: { status: row.verificationStatus, at: row.verifiedAt, message: row.verificationMessage },
    ...returnPagesOf(row.id),
    createdAt: row.createdAt,
  });
  const returnPagesOf = (id: string): Pick<Account, 'returnSuccessUrl' | 'returnCancelUrl'> => {
    const back = shopReturnOf(d.settings, id);
    return { returnSuccessUrl: back?.success ?? null, returnCancelUrl: back?.cancel ?? null };
  };

  const must = (id: string): AccountRow => {
    const row = repo.get(id);
    if (!row) throw new AppError('not_found', 'No such account. It may have been removed.');
    return row;
  };

  const baseUrlFor = (sandbox: boolean): string | null => {
    if (!sandbox) return null;
    if (!gateways.sandboxUrl) throw new AppError('unavailable', 'The embedded Paydesk Sandbox is switched off, so a sandbox account cannot be used.', { field: 'sandbox' });
    return gateways.sandboxUrl;
  };

  /**
   * Runs the read-only key check. A refusal by the gateway is thrown at the secret field (when `refuse`)
   * or recorded as 'failed'; an unreachable gateway is recorded as 'unverified' with the reason.
   */
  async function check(gateway: Gateway, publicKey: string | null, secret: string, sandbox: boolean, refuse: boolean): Promise<Verification> {
    const now = clock.now();
    try {
      await gateways.verifyKeys({ gateway, publicKey, secret, baseUrl: baseUrlFor(sandbox) });
      return { status: 'verified', at: now, message: null };
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      d.log('warn', `key verification with ${gateway} did not pass`, { code: err.code, message: err.message });
      const said = err.message.replace(/[.\s]+$/, '');
      if (err.code === 'gateway_auth' && refuse) {
        throw new AppError('gateway_auth', `${said}. Nothing was saved.`, { field: 'secretKey' });
      }
      if (err.code === 'gateway_unreachable') {
        return { status: 'unverified', at: now, message: `${said}. The keys were saved without being checked; use Verify to try again.` };
      }
      if (err.code === 'unavailable') throw err;
      return { status: 'failed', at: now, message: err.message };
    }
  }

  const putSecret = (ref: string, value: string, mode: Mode | null) => vault.put(ref, value, mode);

  return {
    toWire,

    list(): Account[] {
      return repo.list().map(toWire);
    },

    get(id: string): Account {
      return toWire(must(id));
    },

    async create(input: AccountInput): Promise<Account> {
      const { gateway, mode } = input;
      const sandbox = input.sandbox === true;
      if (sandbox && mode !== 'test') throw invalid('mode', 'Sandbox accounts are always in test mode');
      const keys = gateways.adapter(gateway).keys;
      keys.checkPublicKey(mode, input.publicKey);
      const secretMode = keys.checkSecretKey(mode, input.secretKey);
      keys.checkPair(input.publicKey, input.secretKey);
      const webhookSecret = input.webhookSecret ? input.webhookSecret : undefined;
      if (webhookSecret !== undefined) keys.checkWebhookSecret(webhookSecret);

      const v = await check(gateway, input.publicKey, input.secretKey, sandbox, true);
      const now = clock.now();
      const id = newId();
      const row: AccountRow = {
        id, gateway, mode, livemode: mode === 'live', label: input.label, publicKey: input.publicKey,
        secretKeyRef: secretRef(id, 'secretKey'),
        webhookSecretRef: webhookSecret !== undefined ? secretRef(id, 'webhookSecret') : null,
        sandbox, builtin: null,
        verificationStatus: v.status, verifiedAt: v.at, verificationMessage: v.message,
        createdAt: now, updatedAt: now,
      };
      transaction(() => {
        repo.insert(row);
        putSecret(row.secretKeyRef!, input.secretKey, secretMode);
        if (webhookSecret !== undefined) putSecret(row.webhookSecretRef!, webhookSecret, mode);
      });
      d.log('info', `connected ${gatewayLabel(gateway)} ${mode} account ${id} (${v.status})`);
      events.emit('account.changed', { id });
      return toWire(row);
    },

    async update(input: AccountUpdate): Promise<Account> {
      const row = must(input.id);
      const { gateway, mode } = row;
      if (row.builtin && (input.publicKey !== undefined || input.secretKey !== undefined)) {
        throw invalid(input.secretKey !== undefined ? 'secretKey' : 'publicKey', 'The keys of this built-in sandbox account are managed by Paydesk.');
      }
      const keys = gateways.adapter(gateway).keys;
      if (input.publicKey !== undefined) keys.checkPublicKey(mode, input.publicKey);
      let secretMode: Mode | null = null;
      if (typeof input.secretKey === 'string') secretMode = keys.checkSecretKey(mode, input.secretKey);
      if (typeof input.webhookSecret === 'string' && input.webhookSecret !== '') keys.checkWebhookSecret(input.webhookSecret);

      const publicKey = input.publicKey ?? row.publicKey;
      const currentSecret = () => (row.secretKeyRef ? vault.get(row.secretKeyRef) : null);
      const secret = input.secretKey === undefined ? currentSecret() : input.secretKey;
      keys.checkPair(publicKey, secret);

      const keysChanged = (input.publicKey !== undefined && input.publicKey !== row.publicKey) || input.secretKey !== undefined;
      const back = changesReturnPages(input) ? nextShopReturn(shopReturnOf(d.settings, row.id), input, row.sandbox) : undefined;
      let v: Verification | null = null;
      if (keysChanged) {
        v = secret
          ? await check(gateway, publicKey, secret, row.sandbox, true)
          : { status: 'unverified', at: null, message: 'No secret key: add one to use this account.' };
      }

      transaction(() => {
        const patch: Parameters<AccountsRepo['update']>[1] = {};
        if (input.label !== undefined) patch.label = input.label;
        if (input.publicKey !== undefined) patch.publicKey = input.publicKey;
        if (typeof input.secretKey === 'string') {
          putSecret(secretRef(row.id, 'secretKey'), input.secretKey, secretMode);
          patch.secretKeyRef = secretRef(row.id, 'secretKey');
        } else if (input.secretKey === null && row.secretKeyRef) {
          vault.remove(row.secretKeyRef);
          patch.secretKeyRef = null;
        }
        if (typeof input.webhookSecret === 'string' && input.webhookSecret !== '') {
          putSecret(secretRef(row.id, 'webhookSecret'), input.webhookSecret, mode);
          patch.webhookSecretRef = secretRef(row.id, 'webhookSecret');
        } else if ((input.webhookSecret === null || input.webhookSecret === '') && row.webhookSecretRef) {
          vault.remove(row.webhookSecretRef);
          patch.webhookSecretRef = null;
        }
        if (v) {
          patch.verificationStatus = v.status;
          patch.verifiedAt = v.at;
          patch.verificationMessage = v.message;
        }
        repo.update(row.id, patch, clock.now());
        if (back !== undefined) saveShopReturn(d.settings, row.id, back);
      });
      gateways.forget(row.id);
      events.emit('account.changed', { id: row.id });
      return toWire(must(row.id));
    },

    async verify(id: string): Promise<Account> {
      const row = must(id);
      const secret = row.secretKeyRef ? vault.get(row.secretKeyRef) : null;
      const v: Verification = secret
        ? await check(row.gateway, row.publicKey, secret, row.sandbox, false)
        : { status: 'unverified', at: clock.now(), message: 'No secret key: add one to use this account.' };
      if (!repo.get(id)) throw new AppError('not_found', 'No such account. It was removed while being verified.');
      repo.update(id, { verificationStatus: v.status, verifiedAt: v.at, verificationMessage: v.message }, clock.now());
      events.emit('account.changed', { id });
      return toWire(must(id));
    },

    remove(id: string): void {
      const row = must(id);
      transaction(() => {
        repo.remove(id);
        if (row.secretKeyRef) vault.remove(row.secretKeyRef);
        if (row.webhookSecretRef) vault.remove(row.webhookSecretRef);
        if (row.builtin) d.settings.set(removedKey(row.builtin), true);
        saveShopReturn(d.settings, id, null);
      });
      gateways.forget(id);
      d.log('info', `removed account ${id}`);
      events.emit('account.changed', { id });
    },

    /**
     * First run with the sandbox: create "Sandbox Stripe" and "Sandbox Razorpay"; later runs: follow the
     * sandbox's keys silently when they changed (the URL is never stored: sandbox accounts use the current one).
     * A built-in account the merchant removed is not recreated. Returns the ids whose keys are new.
     */
    ensureSandboxAccounts(sandbox: SandboxInfo): string[] {
      const changed: string[] = [];
      for (const b of BUILTINS) {
        if (d.settings.get(removedKey(b.builtin), z.boolean(), false)) continue;
        const publicKey = sandbox.keys[b.publicKey];
        const secret = sandbox.keys[b.secret];
        const existing = repo.getBuiltin(b.builtin);
        const now = clock.now();
        transaction(() => {
          if (!existing) {
            const id = newId();
            repo.insert({
              id, gateway: b.gateway, mode: 'test', livemode: false, label: b.label, publicKey,
              secretKeyRef: secretRef(id, 'secretKey'), webhookSecretRef: null, sandbox: true, builtin: b.builtin,
              verificationStatus: 'unverified', verifiedAt: null, verificationMessage: null, createdAt: now, updatedAt: now,
            });
            putSecret(secretRef(id, 'secretKey'), secret, 'test');
            changed.push(id);
            return;
          }
          const stored = existing.secretKeyRef ? vault.get(existing.secretKeyRef) : null;
          if (existing.publicKey === publicKey && stored === secret) return;
          repo.update(existing.id, { publicKey, secretKeyRef: secretRef(existing.id, 'secretKey'), verificationStatus: 'unverified' }, now);
          putSecret(secretRef(existing.id, 'secretKey'), secret, 'test');
          gateways.forget(existing.id);
          changed.push(existing.id);
        });
      }
      return changed;
    },

    builtinIds(): string[] {
      return repo.list().filter((r) => r.builtin).map((r) => r.id);
    },
  };
}

export type AccountsService = ReturnType<typeof createAccountsService>;
