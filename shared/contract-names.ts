// Every RPC method and pushed event by name, as plain data, for code that needs the names but not the
// schemas: the renderer's transports and hooks, which load before any screen. Importing shared/contract.ts
// builds every zod schema of every domain at load time; this file keeps that work (and zod) out of the
// renderer's first chunk. Types come from the contract, and tsc checks both lists against it: a method or
// event added there does not compile until its name is added here (test/unit/shared/contract-names.test.ts
// checks the order-free equality at run time too).
import type { EventName, MethodName } from './contract';

export const METHOD_NAMES = [
  'system.ping', 'system.info',
  'accounts.list', 'accounts.create', 'accounts.update', 'accounts.verify', 'accounts.remove',
  'api.status', 'api.enable', 'api.disable', 'api.tokens.create', 'api.tokens.list', 'api.tokens.revoke',
  'settings.externalHosts.get', 'settings.sandbox.get', 'settings.sandbox.set', 'settings.externalHosts.set', 'settings.getRefundPolicy', 'settings.setRefundPolicy',
  'links.create', 'links.cancel', 'links.checkStatus', 'links.qr',
  'payments.list', 'payments.get', 'payments.capture',
  'overview.get',
  'refunds.preview', 'refunds.create', 'refunds.list', 'refunds.forPayment', 'refunds.sync',
  'reports.refresh', 'reports.status', 'reports.summary', 'reports.settlement', 'reports.flags', 'reports.settings.get', 'reports.settings.set', 'reports.export.start', 'reports.export.cancel', 'reports.export.status',
  'tunnel.status', 'tunnel.start', 'tunnel.stop', 'tunnel.configure',
  'webhooks.setup', 'webhooks.registerStripe', 'webhooks.razorpaySecret', 'webhooks.deliveries',
  'desk.status', 'desk.signIn', 'desk.lock', 'desk.activity',
  'operators.list', 'operators.create', 'operators.update', 'operators.disable',
  'audit.list',
  'backup.status', 'backup.setPassphrase', 'backup.configure', 'backup.run', 'backup.inspect', 'backup.restore',
  'callbacks.get', 'callbacks.set', 'callbacks.rotateSecret', 'callbacks.deliveries', 'callbacks.resend',
  'team.status', 'team.desks', 'team.invite', 'team.removeDesk', 'team.testStore', 'team.useStore',
] as const satisfies readonly MethodName[];

export const EVENT_NAMES = [
  'account.changed', 'api.changed', 'externalHosts.changed', 'payment.changed', 'webhook.received', 'refund.changed', 'reports.changed', 'reports.exportProgress', 'tunnel.changed', 'webhooks.changed', 'desk.changed', 'audit.appended', 'backup.changed', 'callbacks.changed', 'team.changed', 'team.caughtUp',
] as const satisfies readonly EventName[];

/** Compile-time: every method and event of the contract is listed above (a name missing here is an error on these lines). */
export type EveryMethodListed = AssertNone<Exclude<MethodName, (typeof METHOD_NAMES)[number]>>;
export type EveryEventListed = AssertNone<Exclude<EventName, (typeof EVENT_NAMES)[number]>>;
type AssertNone<T extends never> = T;

export type { EventName, MethodName };

const methodSet: ReadonlySet<string> = new Set(METHOD_NAMES);
const eventSet: ReadonlySet<string> = new Set(EVENT_NAMES);

export const isMethodName = (name: unknown): name is MethodName => typeof name === 'string' && methodSet.has(name);
export const isEventName = (name: unknown): name is EventName => typeof name === 'string' && eventSet.has(name);
