// The floor of bench:payments' first rows: the least a page can do to show the same first rows, in the same
// browser on the same machine, in the same run. A static page and a small script, no framework: it asks
// the host for the account list, then for the first page of payments in the mode the console would show
// (the same two requests, answered by the same core), and writes the rows into a table (the same columns,
// money and dates formatted with Intl). A server in the bench process serves it and passes /rpc/ on to the
// host with the host's own Host and Origin (the host's door takes no other), so core does the same work.
// Paydesk's first rows are printed as a ratio to this page's: what the console adds on top of the browser
// and the host, which no change to the console can remove.
import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

const PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>floor</title><script type="module" src="./floor.js"></script>
<style>body{font:14px system-ui,sans-serif;margin:24px}table{border-collapse:collapse;width:100%}td{padding:8px 12px;border-bottom:1px solid #ddd}</style>
</head><body><h1>Payments</h1><table><tbody id="rows"></tbody></table></body></html>`;

// one script, no imports; the token arrives in the address as it does for the console
const SCRIPT = `
const token = new URLSearchParams(location.search).get('token');
async function call(method, input) {
  const res = await fetch('/rpc/' + method, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json', 'x-paydesk-token': token }, body: JSON.stringify(input) });
  const body = await res.json();
  if (!body.ok) throw new Error(method + ': ' + JSON.stringify(body.error));
  return body.value;
}
const accounts = await call('accounts.list', {});
const mode = accounts.some((a) => a.mode === 'test') ? 'test' : 'live';
const list = await call('payments.list', { mode, limit: 50 });
const money = new Map();
const when = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const body = document.getElementById('rows');
for (const p of list.rows.slice(0, 20)) {
  let m = money.get(p.currency);
  if (!m) money.set(p.currency, (m = new Intl.NumberFormat(undefined, { style: 'currency', currency: p.currency })));
  const tr = document.createElement('tr');
  tr.className = 'pay-row';
  for (const text of [p.customerName ?? p.customerEmail ?? '', m.format(p.amountMinor / 100), p.displayStatus, p.gateway, p.orderRef, when.format(p.createdAt), p.paidAt ? when.format(p.paidAt) : '']) {
    const td = document.createElement('td');
    td.textContent = text;
    tr.append(td);
  }
  body.append(tr);
}
`;

export interface FloorPage {
  /** the page's address, with the host's token */
  url: string;
  close(): Promise<void>;
}

function forward(host: URL, req: IncomingMessage, res: ServerResponse): void {
  const headers = { ...req.headers, host: host.host, origin: host.origin };
  delete headers.referer;
  const out = request({ host: host.hostname, port: host.port, path: req.url, method: req.method, headers }, (answer) => {
    res.writeHead(answer.statusCode ?? 502, answer.headers);
    answer.pipe(res);
  });
  out.on('error', () => res.destroy());
  req.pipe(out);
}

/** Serves the floor page next to the host at `hostUrl` (the address it printed, with its token). */
export async function startFloorPage(hostUrl: string): Promise<FloorPage> {
  const host = new URL(hostUrl);
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path?.startsWith('/rpc/')) return forward(host, req, res);
    const [type, text] = path === '/floor.js' ? ['text/javascript', SCRIPT] : path === '/' ? ['text/html; charset=utf-8', PAGE] : [null, null];
    if (text === null) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': type!, 'cache-control': 'no-store' }).end(text);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/${host.search}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
