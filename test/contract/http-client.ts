// A test client for the browser host: POST /rpc/<method> and GET /events (SSE over fetch streaming).
// Records every raw response body and SSE byte so leak tests can search them.
import type { Envelope } from '../../shared/errors';

export interface SseMessage { event: string; data: string }

export interface HttpClient {
  call(method: string, input: unknown): Promise<Envelope<unknown>>;
  on(event: string, cb: (payload: unknown) => void): () => void;
  close(): Promise<void>;
  /** every raw RPC response body and SSE chunk received so far */
  raw: string[];
}

export async function connectHttp(origin: string, token: string, opts: { events?: boolean } = {}): Promise<HttpClient> {
  const raw: string[] = [];
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  const ac = new AbortController();
  let reading: Promise<void> = Promise.resolve();

  if (opts.events !== false) {
    const res = await fetch(`${origin}/events`, { headers: { 'x-paydesk-token': token }, signal: ac.signal });
    if (res.status !== 200 || !res.body) throw new Error(`GET /events answered ${res.status}`);
    const reader = res.body.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    let connected!: () => void;
    const ready = new Promise<void>((r) => (connected = r));
    reading = (async () => {
      try {
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          const text = decoder.decode(value, { stream: true });
          raw.push(text);
          buffer += text;
          let i: number;
          while ((i = buffer.indexOf('\n\n')) >= 0) {
            const block = buffer.slice(0, i);
            buffer = buffer.slice(i + 2);
            if (block.includes(': connected')) connected();
            let event = 'message';
            const data: string[] = [];
            for (const line of block.split('\n')) {
              if (line.startsWith('event: ')) event = line.slice(7);
              else if (line.startsWith('data: ')) data.push(line.slice(6));
            }
            if (data.length === 0) continue;
            const payload = JSON.parse(data.join('\n')) as unknown;
            for (const cb of listeners.get(event) ?? []) cb(payload);
          }
        }
      } catch {
        // aborted on close
      }
    })();
    await ready;
  }

  return {
    raw,
    async call(method, input) {
      const res = await fetch(`${origin}/rpc/${encodeURIComponent(method)}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-paydesk-token': token, origin },
        body: JSON.stringify(input ?? {}),
      });
      const text = await res.text();
      raw.push(text);
      if (res.status !== 200) throw new Error(`POST /rpc/${method} answered ${res.status}: ${text}`);
      return JSON.parse(text) as Envelope<unknown>;
    },
    on(event, cb) {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(cb);
      return () => set.delete(cb);
    },
    async close() {
      ac.abort();
      await reading;
    },
  };
}
