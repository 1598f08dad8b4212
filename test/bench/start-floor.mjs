// bench:start's floor: the least a program can do to go from nothing to the same first screen with data on
// this machine. Plain JavaScript run by node (no TypeScript loader, no bundle): it opens the data folder's
// SQLite file (created empty in a fresh folder), listens on 127.0.0.1, prints its address, and serves a page
// whose one request reads the latest eight payments (or finds none) and shows them as rows, or the empty
// state. The same selectors as the console's Overview (`.ov-recent-row`, `#get-started`).
//   node test/bench/start-floor.mjs <data folder>   -> prints "floor running at http://127.0.0.1:<port>/"
import { createServer } from 'node:http';
import { join } from 'node:path';
import Database from 'better-sqlite3';

const db = new Database(join(process.argv[2], 'paydesk.sqlite'));
db.pragma('journal_mode = WAL');
const hasPayments = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'payments'").get() !== undefined;
const latest = hasPayments
  ? db.prepare('SELECT id, customer_name, amount_minor, currency, status, created_at FROM payments ORDER BY created_at DESC LIMIT 8')
  : null;

const PAGE = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>floor</title>
<script type="module" src="/floor.js"></script><style>body{font:14px system-ui,sans-serif;margin:24px}</style></head>
<body><h1>Overview</h1><div id="out"></div></body></html>`;
const SCRIPT = `
const rows = await (await fetch('/data', { method: 'POST' })).json();
const out = document.getElementById('out');
if (rows.length === 0) { const p = document.createElement('p'); p.id = 'get-started'; p.textContent = 'No payments yet'; out.append(p); }
for (const r of rows) {
  const d = document.createElement('div');
  d.className = 'ov-recent-row';
  d.textContent = [r.customer_name, new Intl.NumberFormat(undefined, { style: 'currency', currency: r.currency }).format(r.amount_minor / 100), r.status, new Date(r.created_at).toLocaleString()].join(' · ');
  out.append(d);
}`;

const server = createServer((req, res) => {
  if (req.url === '/data') {
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(latest ? latest.all() : []));
    return;
  }
  const js = req.url === '/floor.js';
  res.writeHead(200, { 'content-type': js ? 'text/javascript' : 'text/html; charset=utf-8' }).end(js ? SCRIPT : PAGE);
});
server.listen(0, '127.0.0.1', () => console.log(`floor running at http://127.0.0.1:${server.address().port}/`));
process.on('SIGTERM', () => process.exit(0));
