// The RPC boundary: the contract's input schema is the trust boundary. Errors travel as values.
import type { z } from 'zod';
import { isMethodName, methods, type MethodName, type MethodOutput, type MethodParsedInput, type Methods } from '../../shared/contract';
import { AppError, type Envelope, type WireError } from '../../shared/errors';
import { checkAccess } from './access';
import type { Log } from './log';
import type { CallContext } from './types';

/** A handler receives the parsed input and returns the method's output (parsed again in dev/test). */
export type Handler<M extends MethodName> = (
  input: MethodParsedInput<M>,
  ctx: CallContext,
) => Promise<z.input<Methods[M]['output']>> | z.input<Methods[M]['output']>;

/** The handlers of one domain, e.g. `Handlers<'accounts.'>`: a missing or misspelled method fails to compile. */
export type Handlers<Prefix extends string> = { [M in MethodName as M extends `${Prefix}${string}` ? M : never]: Handler<M> };

/** Every method of the contract. core/index.ts builds this from the domain handler factories. */
export type AllHandlers = { [M in MethodName]: Handler<M> };

export interface RpcOptions {
  handlers: AllHandlers;
  log: Log;
  /** parse outputs (strips unknown keys, fails loudly on a mismatch); default: NODE_ENV !== 'production' */
  parseOutput?: boolean;
  /** refuse a method before it runs (e.g. degraded start-up); returns the error to send */
  gate?: (method: MethodName) => AppError | null;
  /** a failure in words it would otherwise lack (the team database went away under a handler); null: as it is */
  explain?: (err: unknown) => AppError | null;
  /** who is calling: returns the context handlers receive, with `operator` unless the desk is locked; the method's declared role is then checked against it */
  authorize?: (method: MethodName, ctx: CallContext) => CallContext;
}

const issueField = (issue: z.core.$ZodIssue): string | undefined => {
  const path = issue.path.map(String);
  if (issue.code === 'unrecognized_keys' && issue.keys.length > 0) path.push(issue.keys[0]!);
  return path.length > 0 ? path.join('.') : undefined;
};

export function toWireError(err: unknown, log: Log, method: string): WireError {
  if (err instanceof AppError) return err.toWire();
  const code = (err as { code?: unknown } | null)?.code;
  if (code === 'SQLITE_CONSTRAINT_FOREIGNKEY') {
    return { code: 'conflict', message: 'This is still used by other records, so it cannot be changed or removed.', retryable: false };
  }
  if (code === 'SQLITE_BUSY') {
    log('warn', `database busy during ${method}`);
    return { code: 'internal', message: 'The database is busy. Try again in a moment.', retryable: true };
  }
  log('error', `unexpected error in ${method}`, { error: err });
  return { code: 'internal', message: 'Something went wrong inside Paydesk. The details are in the log.', retryable: false };
}

export function createRpc(opts: RpcOptions) {
  const parseOutput = opts.parseOutput ?? process.env.NODE_ENV !== 'production';
  const { log } = opts;

  async function dispatch(method: string, input: unknown, ctx: CallContext): Promise<Envelope<unknown>> {
    try {
      if (!isMethodName(method)) {
        return { ok: false, error: { code: 'not_found', message: `Unknown method "${String(method).slice(0, 80)}"`, retryable: false } };
      }
      const gated = opts.gate?.(method);
      if (gated) return { ok: false, error: gated.toWire() };
      const callCtx = opts.authorize ? opts.authorize(method, ctx) : ctx;
      checkAccess(method, callCtx.operator);

      const def = methods[method] as { input: z.ZodType; output: z.ZodType };
      const parsed = def.input.safeParse(input);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        const error: WireError = { code: 'invalid_input', message: issue?.message ?? 'Invalid input', retryable: false };
        const field = issue ? issueField(issue) : undefined;
        if (field !== undefined) error.field = field;
        return { ok: false, error };
      }
      const handler = opts.handlers[method] as (input: unknown, ctx: CallContext) => unknown;
      const raw = await handler(parsed.data, callCtx);
      if (!parseOutput) return { ok: true, value: raw };
      const out = def.output.safeParse(raw);
      if (!out.success) {
        const paths = out.error.issues.map((i) => i.path.join('.') || '(root)').join(', ');
        log('error', `output of ${method} does not match the contract`, { paths });
        return { ok: false, error: { code: 'internal', message: `Output of ${method} does not match the contract at ${paths}`, retryable: false } };
      }
      return { ok: true, value: out.data };
    } catch (err) {
      return { ok: false, error: toWireError(opts.explain?.(err) ?? err, log, method) };
    }
  }

  return {
    dispatch,
    async call<M extends MethodName>(method: M, input: unknown, ctx: CallContext): Promise<Envelope<MethodOutput<M>>> {
      return (await dispatch(method, input, ctx)) as Envelope<MethodOutput<M>>;
    },
  };
}

export type Rpc = ReturnType<typeof createRpc>;
