import { z } from 'zod';
import { EmptySchema, query, OPEN } from './define';

export const AppInfoSchema = z.object({
  version: z.string(),
  shell: z.enum(['electron', 'browser']),
  dataDir: z.string(),
  sandboxUrl: z.string().nullable(),
  /** which protection seals the vault's data key, in words for Settings */
  vaultProtection: z.object({ kind: z.enum(['safeStorage', 'keyring', 'keyfile']), description: z.string() }),
  /** a problem found at start-up the UI must show (e.g. the database is newer than the app) */
  startupError: z.object({ code: z.string(), message: z.string() }).nullable(),
});
export type AppInfo = z.infer<typeof AppInfoSchema>;

export const systemMethods = {
  'system.ping': query(EmptySchema, z.object({ pong: z.literal(true), at: z.number().int() }), OPEN),
  'system.info': query(EmptySchema, AppInfoSchema, OPEN),
};

export const systemEvents = {};
