// The one place where a method's declared role (shared/contract/define.ts) is enforced. rpc.ts calls it for
// every method after the desk session has said who is calling and before the input is parsed, so a handler
// never runs for someone its declaration does not admit, and handlers carry no role checks of their own.
import { methods, type MethodName, type Access } from '../../shared/contract';
import { AppError } from '../../shared/errors';
import type { OperatorRef } from './types';

export const accessOf = (method: MethodName): Access => methods[method].access;

/** What a locked desk answers for every method that is not `open`. */
export const lockedError = (): AppError => new AppError('locked', 'The console is locked. Choose who is at the desk and enter the PIN.');

/**
 * Refuses the call unless `operator` may make it: `open` methods admit anyone, `staff` methods any
 * signed-in operator (staff or owner, and the merchant API), `owner` methods owners only.
 */
export function checkAccess(method: MethodName, operator: OperatorRef | undefined): void {
  const access = accessOf(method);
  if (access.role === 'open') return;
  if (!operator) throw lockedError();
  if (access.role === 'owner' && operator.role !== 'owner') {
    throw new AppError('forbidden', `Only an owner can ${access.what}. Ask an owner to sign in.`);
  }
}
