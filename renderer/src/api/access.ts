// What the signed-in operator may use, read from the same role table core enforces
// (shared/contract/define.ts: every method's `access`). Screens hide or disable a control with the
// reason instead of offering it and letting core refuse it after the form is filled.
import { methods, type DeskStatus, type MethodName, type OperatorRole } from '../../../shared/contract';
import { useRpcQuery } from './hooks';

export interface Permission {
  allowed: boolean;
  /** why not, in words; null when allowed */
  reason: string | null;
}

/** Pure: may an operator of `role` (null: nobody signed in) call `method`? */
export function permissionFor(method: MethodName, role: OperatorRole | null): Permission {
  const access = methods[method].access;
  if (access.role === 'open') return { allowed: true, reason: null };
  if (role === null) return { allowed: false, reason: 'The console is locked. Sign in first.' };
  if (access.role === 'owner' && role !== 'owner') return { allowed: false, reason: `Only an owner can ${access.what}.` };
  return { allowed: true, reason: null };
}

/** The role at the desk: single-user mode is the owner; null while locked or loading. */
export const deskRole = (desk: DeskStatus | undefined): OperatorRole | null => desk?.current?.role ?? null;

/**
 * `const can = useCan('accounts.create')`. While the desk status is loading nothing owner-only is
 * offered: a control that appears and then is refused is what this avoids.
 */
export function useCan(method: MethodName): Permission {
  const desk = useRpcQuery('desk.status', {});
  return permissionFor(method, deskRole(desk.data));
}
