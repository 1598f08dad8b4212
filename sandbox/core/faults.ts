// Fault injection: the next N requests whose path starts with a prefix answer 500 or 429, are declined
// (402, as a bank or issuer refusing: e.g. a refund), or hang (no answer until the client gives up or the
// sandbox closes). Control paths are never faulted.
import { newId } from './ids.js';

export interface FaultRule {
  id: string;
  /** path prefix, e.g. /v1/refunds */
  path: string;
  /** only this method (any when absent) */
  method?: string;
  status?: 500 | 429 | 402;
  hang?: boolean;
  /** requests left to fault */
  remaining: number;
}

export interface FaultInput {
  path: string;
  method?: string;
  status?: number;
  hang?: boolean;
  count?: number;
}

export class FaultInjector {
  private rules: FaultRule[] = [];

  /** throws a RangeError with a readable message on bad input (the control API turns it into a 400) */
  add(input: FaultInput): FaultRule {
    if (typeof input.path !== 'string' || !input.path.startsWith('/')) throw new RangeError('path must be a path prefix starting with /');
    if (input.path.startsWith('/__sandbox')) throw new RangeError('control paths cannot be faulted');
    const hang = input.hang === true;
    if (!hang && input.status !== 500 && input.status !== 429 && input.status !== 402) throw new RangeError('give status 500, 429 or 402, or hang: true');
    const count = input.count ?? 1;
    if (!Number.isInteger(count) || count < 1) throw new RangeError('count must be a positive integer');
    const rule: FaultRule = {
      id: newId('fault', 12),
      path: input.path,
      method: input.method?.toUpperCase(),
      status: hang ? undefined : (input.status as 500 | 429 | 402),
      hang: hang || undefined,
      remaining: count,
    };
    this.rules.push(rule);
    return rule;
  }

  /** consumes one use of the first matching rule */
  take(method: string, path: string): FaultRule | null {
    const rule = this.rules.find((r) => path.startsWith(r.path) && (!r.method || r.method === method));
    if (!rule) return null;
    rule.remaining -= 1;
    if (rule.remaining <= 0) this.rules = this.rules.filter((r) => r !== rule);
    return { ...rule };
  }

  list(): FaultRule[] {
    return this.rules.map((r) => ({ ...r }));
  }

  clear(): void {
    this.rules = [];
  }
}
