import { z } from 'zod';

/** A method of the RPC contract: `query` reads, `mutation` changes state (react-query uses the kind). */
export interface MethodDef<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  kind: 'query' | 'mutation';
  input: I;
  output: O;
}

export const query = <I extends z.ZodType, O extends z.ZodType>(input: I, output: O): MethodDef<I, O> => ({ kind: 'query', input, output });
export const mutation = <I extends z.ZodType, O extends z.ZodType>(input: I, output: O): MethodDef<I, O> => ({ kind: 'mutation', input, output });

export const EmptySchema = z.object({}).strict();
export const OkSchema = z.object({ ok: z.literal(true) });
