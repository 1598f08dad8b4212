// Where callbacks go and what signs them. The URL and the rotation window are settings; the secrets live
// in the vault (one current, and the previous one while its overlap window runs), never in settings, the
// log or anything the renderer gets, except a new secret's one showing when it is made.
import { z } from 'zod';
import { invalid } from '../../../shared/errors';
import type { SettingsRepo } from '../store/repos/settings';
import type { Vault } from '../vault';
import { newSecret } from './signing';

const KEY = 'callbacks.config';
export const SECRET_REFS = { current: 'callbacks:secret', previous: 'callbacks:secret:previous' } as const;
/** how long a rotated-out secret keeps signing, so the shop can switch without losing a delivery */
export const DEFAULT_OVERLAP_MS = 24 * 3_600_000;

const ConfigSchema = z.object({
  url: z.string().nullable(),
  /** when the URL was first set: the start-up sweep looks no further back */
  enabledAt: z.number().int().nullable(),
  /** until when (ms) the previous secret signs too; null = no previous secret */
  previousUntil: z.number().int().nullable(),
});
export type CallbackConfig = z.infer<typeof ConfigSchema>;
const EMPTY: CallbackConfig = { url: null, enabledAt: null, previousUntil: null };

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** The shop's callback URL checked: http(s) only, https unless it is this machine. Errors name the field. */
export function validateCallbackUrl(raw: string): string {
  const text = raw.trim();
  let u: URL;
  try {
    u = new URL(text);
  } catch {
    throw invalid('url', 'Enter the full address of the shop’s callback, e.g. https://shop.example.com/paydesk/callbacks');
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') throw invalid('url', 'The callback address must start with https://');
  if (u.protocol === 'http:' && !LOOPBACK.has(u.hostname)) throw invalid('url', 'Use https:// — only an address on this computer (127.0.0.1 or localhost) may use http://');
  if (u.username || u.password) throw invalid('url', 'Leave the user name and password out of the callback address; the signature proves the sender');
  if (u.hash) throw invalid('url', 'Leave the #fragment out of the callback address');
  return u.toString();
}

export interface CallbackConfigStore {
  get(): CallbackConfig;
  /** sets (or with null, clears) the URL; on the first URL a secret is made and returned once */
  setUrl(url: string | null, now: number): { config: CallbackConfig; newSecret: string | null };
  /** a new current secret; the old one signs too until now + overlap */
  rotate(now: number, overlapMs?: number): { secret: string; previousUntil: number | null };
  /** the secrets that sign at `now`, current first */
  signingSecrets(now: number): string[];
  /** the current secret's last four characters */
  hint(): string | null;
}

/**
 * How long a read of the settings is reused. get() runs on every payment change core announces (the webhook
 * ingest's path), where a settings read and its JSON and schema parse per event is measurable; a change made on
 * this desk is seen at once, one made by another desk sharing the store within this long.
 */
const CONFIG_FRESH_MS = 1000;

export function createCallbackConfig(settings: SettingsRepo, vault: Vault, now: () => number = Date.now): CallbackConfigStore {
  let cached: { value: CallbackConfig; until: number } | null = null;
  const get = (): CallbackConfig => {
    const at = now();
    if (cached && at < cached.until) return cached.value;
    const value = settings.get(KEY, ConfigSchema, EMPTY);
    cached = { value, until: at + CONFIG_FRESH_MS };
    return value;
  };
  const save = (c: CallbackConfig): void => {
    settings.set(KEY, c);
    cached = null;
  };
  return {
    get,
    setUrl(url, now) {
      const cur = get();
      const next: CallbackConfig = { ...cur, url, enabledAt: url === null ? null : (cur.enabledAt ?? now) };
      let made: string | null = null;
      if (url !== null && vault.get(SECRET_REFS.current) === null) {
        made = newSecret();
        vault.put(SECRET_REFS.current, made);
      }
      save(next);
      return { config: next, newSecret: made };
    },
    rotate(now, overlapMs = DEFAULT_OVERLAP_MS) {
      const old = vault.get(SECRET_REFS.current);
      const secret = newSecret();
      const previousUntil = old !== null && overlapMs > 0 ? now + overlapMs : null;
      if (previousUntil !== null && old !== null) vault.put(SECRET_REFS.previous, old);
      else vault.remove(SECRET_REFS.previous);
      vault.put(SECRET_REFS.current, secret);
      save({ ...get(), previousUntil });
      return { secret, previousUntil };
    },
    signingSecrets(now) {
      const current = vault.get(SECRET_REFS.current);
      const { previousUntil } = get();
      const previous = previousUntil !== null && now < previousUntil ? vault.get(SECRET_REFS.previous) : null;
      return [current, previous].filter((s): s is string => s !== null);
    },
    hint() {
      return vault.status(SECRET_REFS.current).last4;
    },
  };
}
