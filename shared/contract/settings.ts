// Methods and events of the settings domain. Filled by the issue that builds settings.
// So far: the merchant HTTP API (the seed's API for the merchant's own shop or scripts): off by default,
// served on its own loopback port, bearer tokens shown once and stored hashed.
import { z } from 'zod';
import { EmptySchema, mutation, OkSchema, query, STAFF, owner } from './define';
import { ModeSchema } from './accounts';

export const ApiStatusSchema = z.object({
  enabled: z.boolean(),
  /** true while the server is actually listening */
  running: z.boolean(),
  /** the port it listens on (or will, when enabled); null = not chosen yet */
  port: z.number().int().nullable(),
  /** http://127.0.0.1:<port> while running */
  url: z.string().nullable(),
  /** why it is not running although enabled (e.g. the port is in use) */
  error: z.string().nullable(),
  tokens: z.number().int(),
});
export type ApiStatus = z.infer<typeof ApiStatusSchema>;

export const ApiTokenSchema = z.object({
  id: z.string(),
  name: z.string(),
  /** the mode of the accounts this token uses (test tokens never touch live accounts) */
  mode: ModeSchema,
  last4: z.string(),
  createdAt: z.number().int(),
  lastUsedAt: z.number().int().nullable(),
});
export type ApiToken = z.infer<typeof ApiTokenSchema>;

export const ApiTokenCreatedSchema = z.object({
  token: ApiTokenSchema,
  /** the bearer token itself: shown ONCE, stored only as a hash */
  secret: z.string(),
});

export const settingsMethods = {
  'api.status': query(EmptySchema, ApiStatusSchema, STAFF),
  /** switch the API on (port 0 or omitted = any free port, remembered afterwards) */
  'api.enable': mutation(z.object({ port: z.number().int().min(0, 'Choose a port between 1024 and 65535').max(65535, 'Choose a port between 1024 and 65535').optional() }), ApiStatusSchema, owner('switch on the API')),
  'api.disable': mutation(EmptySchema, ApiStatusSchema, owner('switch off the API')),
  'api.tokens.create': mutation(
    z.object({
      name: z.string().trim().min(1, 'Name the token (e.g. the shop that uses it)').max(60, 'Keep the name under 60 characters'),
      mode: ModeSchema.optional(),
    }),
    ApiTokenCreatedSchema, owner('create API tokens')
  ),
  'api.tokens.list': query(EmptySchema, z.array(ApiTokenSchema), STAFF),
  'api.tokens.revoke': mutation(z.object({ id: z.string().trim().min(1) }), OkSchema, owner('revoke API tokens')),
};

export const settingsEvents = {
  /** the API's status or tokens changed: refetch api.status / api.tokens.list */
  'api.changed': z.object({}),
};
