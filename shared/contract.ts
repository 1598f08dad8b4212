// The one RPC contract between the renderer and the main-process role, for both transports
// (Electron IPC and browser-mode HTTP). Each domain keeps its schemas in shared/contract/<domain>.ts;
// this file only joins them. core/rpc.ts parses every input with these schemas: that is the trust boundary.
import type { z } from 'zod';
import type { MethodDef } from './contract/define';
import { systemMethods, systemEvents } from './contract/system';
import { accountMethods, accountEvents } from './contract/accounts';
import { settingsMethods, settingsEvents } from './contract/settings';
import { linksMethods, linksEvents } from './contract/links';
import { paymentsMethods, paymentsEvents } from './contract/payments';
import { refundsMethods, refundsEvents } from './contract/refunds';
import { reportsMethods, reportsEvents } from './contract/reports';
import { webhooksMethods, webhooksEvents } from './contract/webhooks';
import { operatorsMethods, operatorsEvents } from './contract/operators';
import { backupMethods, backupEvents } from './contract/backup';
import { callbacksMethods, callbacksEvents } from './contract/callbacks';
import { teamMethods, teamEvents } from './contract/team';

export * from './contract/define';
export * from './contract/system';
export * from './contract/accounts';
export * from './contract/settings';
export * from './contract/links';
export * from './contract/payments';
export * from './contract/refunds';
export * from './contract/reports';
export * from './contract/webhooks';
export * from './contract/operators';
export * from './contract/backup';
export * from './contract/callbacks';
export * from './contract/team';

export const methods = {
  ...systemMethods,
  ...accountMethods,
  ...settingsMethods,
  ...linksMethods,
  ...paymentsMethods,
  ...refundsMethods,
  ...reportsMethods,
  ...webhooksMethods,
  ...operatorsMethods,
  ...backupMethods,
  ...callbacksMethods,
  ...teamMethods,
} satisfies Record<string, MethodDef>;

export const events = {
  ...systemEvents,
  ...accountEvents,
  ...settingsEvents,
  ...linksEvents,
  ...paymentsEvents,
  ...refundsEvents,
  ...reportsEvents,
  ...webhooksEvents,
  ...operatorsEvents,
  ...backupEvents,
  ...callbacksEvents,
  ...teamEvents,
} satisfies Record<string, z.ZodType>;

export type Methods = typeof methods;
export type MethodName = keyof Methods;
export type MethodInput<M extends MethodName> = z.input<Methods[M]['input']>;
export type MethodParsedInput<M extends MethodName> = z.output<Methods[M]['input']>;
export type MethodOutput<M extends MethodName> = z.output<Methods[M]['output']>;

export type Events = typeof events;
export type EventName = keyof Events;
export type EventPayload<E extends EventName> = z.output<Events[E]>;

export const methodNames = Object.keys(methods) as MethodName[];
export const eventNames = Object.keys(events) as EventName[];
export const isMethodName = (name: unknown): name is MethodName => typeof name === 'string' && Object.prototype.hasOwnProperty.call(methods, name);
export const isEventName = (name: unknown): name is EventName => typeof name === 'string' && Object.prototype.hasOwnProperty.call(events, name);
