// Minimal types for the parts of autocannon's programmatic API the benches use (the package ships none).
declare module 'autocannon' {
  import type { EventEmitter } from 'node:events';
  namespace autocannon {
    interface Request {
      method?: string;
      path?: string;
      headers?: Record<string, string>;
      body?: string | Buffer;
      setupRequest?: (req: Record<string, unknown>, context: Record<string, unknown>) => Record<string, unknown>;
      onResponse?: (status: number, body: string, context: Record<string, unknown>, headers: Record<string, string>) => void;
    }
    interface Options {
      url: string;
      connections?: number;
      duration?: number;
      amount?: number;
      pipelining?: number;
      requests?: Request[];
    }
    interface Histogram { average: number; mean: number; p50: number; p99: number; total: number; max: number }
    interface Result {
      requests: Histogram;
      latency: Histogram;
      duration: number;
      errors: number;
      timeouts: number;
      non2xx: number;
      '2xx': number;
    }
    type Instance = EventEmitter & PromiseLike<Result>;
  }
  function autocannon(opts: autocannon.Options): autocannon.Instance;
  export default autocannon;
}
