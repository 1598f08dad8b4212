// Methods and events of the settings domain: the merchant HTTP API (for the merchant's own shop or
// scripts), off by default because it opens a port, served on its own loopback port, with bearer tokens
// shown once and stored hashed so a copied database leaks none; and the websites the desktop app may open.
import { z } from 'zod';
import { EmptySchema, mutation, OkSchema, ownerReads, query, STAFF, owner } from './define';
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

/** what a token may do: create payments, read their status, refund them */
export const API_SCOPES = ['payments:create', 'payments:read', 'refunds:create'] as const;
export const ApiScopeSchema = z.enum(API_SCOPES);
export type ApiScope = z.infer<typeof ApiScopeSchema>;
/** a new token's scopes unless others are asked for: refunds must be ticked on purpose */
export const DEFAULT_API_SCOPES: readonly ApiScope[] = ['payments:create', 'payments:read'];

export const ApiTokenSchema = z.object({
  id: z.string(),
  name: z.string(),
  /** the mode of the accounts this token uses (test tokens never touch live accounts) */
  mode: ModeSchema,
  /** what it may do (tokens from before scopes: create and read) */
  scopes: z.array(ApiScopeSchema),
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

// ---- websites the desktop app may open ------------------------------------------------------------------
// A link in Paydesk opens in the system browser only when it leads to a gateway's own website, is a payment
// link Paydesk made, or leads to a host an owner added here (electron/core/external-url.ts decides).

export const MAX_EXTERNAL_HOSTS = 50;
const HOSTNAME = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$/;

/** A host as an owner types or pastes it ("docs.example.com", "https://docs.example.com/"), lower-cased; or why not. */
export function parseExternalHost(typed: string): { host: string } | { problem: string } {
  const shown = typed.trim().slice(0, 80);
  let t = typed.trim().toLowerCase();
  if (t.startsWith('http://')) return { problem: `Paydesk opens websites over https only, so ${shown} cannot be added` };
  if (t.startsWith('https://')) t = t.slice('https://'.length);
  if (t.endsWith('/')) t = t.slice(0, -1);
  if (!HOSTNAME.test(t)) return { problem: `"${shown}" is not a website's name; enter only the host, for example docs.example.com (no path, port or spaces)` };
  return { host: t };
}

export const ExternalHostsSchema = z.object({
  /** hosts an owner added: https pages on exactly these hosts (not their subdomains) */
  hosts: z.array(z.string()),
  /** always allowed: the gateways' own websites */
  gatewayHosts: z.array(z.string()),
});
export type ExternalHosts = z.infer<typeof ExternalHostsSchema>;

export const ExternalHostsInputSchema = z.object({
  /** the whole list (replaces the one stored); duplicates are kept once */
  hosts: z.array(z.string('Enter each website as text'), 'Send the websites as a list')
    .max(MAX_EXTERNAL_HOSTS, `At most ${MAX_EXTERNAL_HOSTS} websites`)
    .transform((typed, ctx) => {
      const hosts: string[] = [];
      for (const t of typed) {
        const r = parseExternalHost(t);
        if ('problem' in r) {
          ctx.addIssue({ code: 'custom', message: r.problem });
          return z.NEVER;
        }
        if (!hosts.includes(r.host)) hosts.push(r.host);
      }
      return hosts;
    }),
}).strict();

// ---- the embedded Paydesk Sandbox ------------------------------------------------------------------------

export const SandboxSettingSchema = z.object({
  /** the sandbox runs now (this start) */
  running: z.boolean(),
  /** the saved choice; null = never chosen, so this build's default applies */
  saved: z.boolean().nullable(),
  /** whether it starts next time with the saved choice (or the default) */
  nextStart: z.boolean(),
  /** this build's default in words, e.g. "off in the installed app" */
  defaultText: z.string(),
});
export type SandboxSetting = z.infer<typeof SandboxSettingSchema>;

export const SandboxSettingInputSchema = z.object({
  /** on, off, or null to go back to this build's default */
  enabled: z.boolean().nullable(),
}).strict();

export const settingsMethods = {
  'api.status': query(EmptySchema, ApiStatusSchema, STAFF),
  /** switch the API on (port 0 or omitted = any free port, remembered afterwards) */
  'api.enable': mutation(z.object({ port: z.number().int().min(0, 'Choose a port between 1024 and 65535').max(65535, 'Choose a port between 1024 and 65535').optional() }), ApiStatusSchema, owner('switch on the API')),
  'api.disable': mutation(EmptySchema, ApiStatusSchema, owner('switch off the API')),
  'api.tokens.create': mutation(
    z.object({
      name: z.string().trim().min(1, 'Name the token (e.g. the shop that uses it)').max(60, 'Keep the name under 60 characters'),
      mode: ModeSchema.optional(),
      /** omitted = create + read; refunds only when listed */
      scopes: z.array(ApiScopeSchema, 'Choose what the token may do').min(1, 'Tick at least one permission for the token').optional(),
    }),
    ApiTokenCreatedSchema, owner('create API tokens')
  ),
  /** owner only like the rest of Developers: which tokens exist and what they may do is the owner's business */
  'api.tokens.list': query(EmptySchema, z.array(ApiTokenSchema), ownerReads('see the API tokens')),
  'api.tokens.revoke': mutation(z.object({ id: z.string().trim().min(1) }), OkSchema, owner('revoke API tokens')),
  'settings.externalHosts.get': query(EmptySchema, ExternalHostsSchema, STAFF),
  'settings.sandbox.get': query(EmptySchema, SandboxSettingSchema, STAFF),
  /** takes effect at the next start: the sandbox must be up before core, which is given its URL */
  'settings.sandbox.set': mutation(SandboxSettingInputSchema, SandboxSettingSchema, owner('switch the built-in sandbox on or off')),
  'settings.externalHosts.set': mutation(ExternalHostsInputSchema, ExternalHostsSchema, owner('choose which websites Paydesk may open')),
};

export const settingsEvents = {
  /** the API's status or tokens changed: refetch api.status / api.tokens.list */
  'api.changed': z.object({}),
  /** an owner changed the websites Paydesk may open: refetch settings.externalHosts.get */
  'externalHosts.changed': z.object({ hosts: z.array(z.string()) }),
};
