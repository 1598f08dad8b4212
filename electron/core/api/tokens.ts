// Bearer tokens of the merchant HTTP API: random 256-bit secrets, shown once, stored as sha256 hashes in
// settings (a fast hash is enough for high-entropy random tokens: there is nothing to brute-force).
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { API_SCOPES, DEFAULT_API_SCOPES, type ApiScope, type ApiToken, type Mode } from '../../../shared/contract';
import { AppError, invalid } from '../../../shared/errors';
import type { SettingsRepo } from '../store/repos/settings';

const KEY = 'api.tokens';
export const TOKEN_PREFIX = 'pdk_api_';

const StoredSchema = z.array(z.object({
  id: z.string(),
  name: z.string(),
  mode: z.enum(['test', 'live']),
  hash: z.string().regex(/^[0-9a-f]{64}$/),
  last4: z.string(),
  createdAt: z.number().int(),
  lastUsedAt: z.number().int().nullable(),
  // tokens made before scopes existed could create and read: they keep exactly that, never refunds.
  // Plain strings, so a scope this version does not know drops that scope, not every token.
  scopes: z.array(z.string()).optional(),
}));
type Stored = z.infer<typeof StoredSchema>[number];

/** the scopes in a fixed order, each once: what is stored and shown does not depend on the order ticked */
const normalScopes = (scopes: readonly string[]): ApiScope[] => API_SCOPES.filter((s) => scopes.includes(s));

/** May this token do `scope`? Route guards ask this; a token without scopes (older) has create and read. */
export function hasScope(token: Pick<ApiToken, 'scopes'>, scope: ApiScope): boolean {
  return token.scopes.includes(scope);
}

const hashOf = (token: string): string => createHash('sha256').update(token, 'utf8').digest('hex');

export function createTokenStore(settings: SettingsRepo, now: () => number) {
  const load = (): Stored[] => settings.get(KEY, StoredSchema, []);
  const save = (list: Stored[]): void => settings.set(KEY, list);
  const toWire = (t: Stored): ApiToken => ({
    id: t.id, name: t.name, mode: t.mode, scopes: normalScopes(t.scopes ?? DEFAULT_API_SCOPES), last4: t.last4, createdAt: t.createdAt, lastUsedAt: t.lastUsedAt,
  });

  return {
    list(): ApiToken[] {
      return load().map(toWire);
    },
    count(): number {
      return load().length;
    },
    /** scopes default to create + read: a refund scope is only ever given when asked for */
    create(name: string, mode: Mode, scopes: readonly ApiScope[] = DEFAULT_API_SCOPES): { token: ApiToken; secret: string } {
      const wanted = normalScopes(scopes);
      if (wanted.length === 0) throw invalid('scopes', 'Tick at least one permission for the token.');
      const list = load();
      if (list.length >= 50) throw new AppError('conflict', 'There are 50 API tokens already. Revoke unused ones first.');
      const secret = `${TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
      const t: Stored = { id: `tok_${randomBytes(6).toString('hex')}`, name, mode, hash: hashOf(secret), last4: secret.slice(-4), createdAt: now(), lastUsedAt: null, scopes: wanted };
      save([...list, t]);
      return { token: toWire(t), secret };
    },
    revoke(id: string): void {
      const list = load();
      const next = list.filter((t) => t.id !== id);
      if (next.length === list.length) throw new AppError('not_found', 'No such API token. It may have been revoked already.');
      save(next);
    },
    /** the token's record when `presented` is a valid token; records its use (at most once a minute) */
    verify(presented: string): ApiToken | null {
      if (!presented.startsWith(TOKEN_PREFIX) || presented.length > 200) return null;
      const h = Buffer.from(hashOf(presented), 'hex');
      const list = load();
      const hit = list.find((t) => timingSafeEqual(Buffer.from(t.hash, 'hex'), h));
      if (!hit) return null;
      const at = now();
      if (hit.lastUsedAt === null || at - hit.lastUsedAt > 60_000) {
        hit.lastUsedAt = at;
        save(list);
      }
      return toWire(hit);
    },
  };
}

export type TokenStore = ReturnType<typeof createTokenStore>;
