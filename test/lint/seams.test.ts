// The two seams of ARCHITECTURE.md and the file-size rule of STYLE.md, checked on the source text:
// (a) only electron/core/gateways/ knows a gateway's SDK or adapter folder, or branches on a gateway's name;
// (b) only electron/core/store/ speaks SQL or holds the database handle;
// (c) no code file (.ts/.tsx/.js/.mjs...) grows past 400 lines (migrations and a few data tables excepted).
// ESLint's import bans cannot say (a) or (b): a name comparison or a `.prepare(` call is not an import,
// so the scanners below read each file's lines. Each scanner is also run on planted text, so a scanner
// that silently stops matching fails here instead of passing everything.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { GATEWAYS } from '../../shared/gateways';

const root = path.resolve(__dirname, '../..');
const MAX_LINES = 400;

/**
 * Data tables: one row per entry, read top to bottom; splitting one by job would scatter a single list.
 * They get a higher ceiling, not none, so a table that turns into code still fails.
 */
const DATA_TABLES: Readonly<Record<string, string>> = {
  'electron/core/reports/columns.ts': 'the columns of the export presets, one entry per column, mirrored in docs/export-columns.md',
  'shared/gateways.ts': 'per-gateway limits (currencies, minimum charges, link kinds, expiry windows), one table read by core and the form',
};
const DATA_TABLE_MAX_LINES = 800;

interface Finding {
  file: string;
  line: number;
  text: string;
}
const show = (f: readonly Finding[]): string[] => f.map((x) => `${x.file}:${x.line}: ${x.text.trim()}`);

/** lines that are code, with their 1-based number (comment-only lines say nothing the seam cares about) */
function codeLines(text: string): { n: number; line: string }[] {
  return text.split('\n').flatMap((line, i) => (/^\s*(\/\/|\*|\/\*)/.test(line) ? [] : [{ n: i + 1, line }]));
}

function matching(file: string, text: string, patterns: readonly RegExp[]): Finding[] {
  return codeLines(text).filter(({ line }) => patterns.some((p) => p.test(line))).map(({ n, line }) => ({ file, line: n, text: line }));
}

const lineAt = (text: string, index: number): number => text.slice(0, index).split('\n').length;

// `from 'stripe'`, `import 'razorpay/x'`, `import('stripe')`, `require('stripe')`; `import type` included
const SDK_IMPORT = /(?:\bfrom\s*|\bimport\s*\(?\s*|\brequire\s*\(\s*)['"](?:stripe|razorpay)(?:\/[^'"]*)?['"]/;
// `=== 'stripe'`, `'razorpay' !== g`, `case 'stripe':` (and the loose == / != forms)
const NAME_BRANCH = /[!=]==?\s*['"](?:stripe|razorpay)['"]|['"](?:stripe|razorpay)['"]\s*[!=]==?|\bcase\s+['"](?:stripe|razorpay)['"]/;

/** (a) what ties a file outside gateways/ to one gateway */
function gatewayFindings(file: string, text: string): Finding[] {
  return matching(file, text, [SDK_IMPORT, NAME_BRANCH]);
}

/** where a relative import points, from the repo root, without its extension */
const resolved = (file: string, spec: string): string =>
  spec.startsWith('.') ? path.posix.normalize(path.posix.join(path.posix.dirname(file), spec)).replace(/\.(ts|js)$/, '') : spec;

const ADAPTER_DIR = new RegExp(`^electron/core/gateways/(?:${GATEWAYS.join('|')})(?:/|$)`);

/** (a) imports of one gateway's adapter folder (services see adapter.ts, ports/, facts.ts and the registry only) */
function adapterImports(file: string, text: string): Finding[] {
  const out: Finding[] = [];
  for (const m of text.matchAll(/(?:\bfrom\s*|\bimport\s*\(?\s*|\brequire\s*\(\s*)['"]([^'"]+)['"]/g)) {
    if (ADAPTER_DIR.test(resolved(file, m[1]!))) out.push({ file, line: lineAt(text, m.index), text: m[0] });
  }
  return out;
}

// a prepared statement (`.prepare(sql)`, `.prepare<[P], R>(sql)`)
const PREPARE = /\.prepare\s*[(<]/;
// `.exec(` / `.transaction(` on something named like a database (RegExp#exec is everywhere and fine)
const DB_CALL = /\b(?:\w*[dD]b|database|sqlite)\s*\.\s*(?:exec|transaction|pragma)\s*\(/;
const PRAGMA = /\.pragma\s*\(/;
const DB_MODULE = 'electron/core/store/db';

/** import statements (multi-line included) naming `Db` from store/db, and inline `import('…/store/db').Db` */
function dbTypeImports(file: string, text: string): Finding[] {
  const out: Finding[] = [];
  const resolvesToDb = (spec: string): boolean => spec.startsWith('.') && resolved(file, spec) === DB_MODULE;
  for (const m of text.matchAll(/\b(?:import|export)\s+(?:type\s+)?\{([^}]*)\}\s*from\s*['"]([^'"]+)['"]/g)) {
    if (/\bDb\b/.test(m[1]!) && resolvesToDb(m[2]!)) out.push({ file, line: lineAt(text, m.index), text: m[0].replace(/\s+/g, ' ') });
  }
  for (const m of text.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)\s*\.\s*Db\b/g)) {
    if (resolvesToDb(m[1]!)) out.push({ file, line: lineAt(text, m.index), text: m[0] });
  }
  return out;
}

/** (b) SQL and the database handle outside store/ */
function storeFindings(file: string, text: string): Finding[] {
  return [...matching(file, text, [PREPARE, DB_CALL, PRAGMA]), ...dbTypeImports(file, text)].sort((x, y) => x.line - y.line);
}

/** lines as `wc -l` counts them, plus a last line without a newline */
const lineCount = (text: string): number => (text === '' ? 0 : text.split('\n').length - (text.endsWith('\n') ? 1 : 0));

/** (c) a file over its ceiling, as a finding at its last line */
function sizeFinding(file: string, text: string): Finding | null {
  if (/(^|\/)store\/migrations\//.test(file)) return null;
  const max = DATA_TABLES[file] !== undefined ? DATA_TABLE_MAX_LINES : MAX_LINES;
  const n = lineCount(text);
  return n > max ? { file, line: n, text: `${n} lines (at most ${max})` } : null;
}

const SOURCE = /\.(ts|tsx|mts|cts|js|mjs|cjs)$/;

/** every source file under `dir` (relative to the repo root, '/'-separated) */
function sourceFiles(dir: string, only: RegExp = SOURCE): string[] {
  const out: string[] = [];
  const walk = (rel: string) => {
    for (const e of readdirSync(path.join(root, rel), { withFileTypes: true })) {
      const child = `${rel}/${e.name}`;
      if (e.isDirectory()) {
        if (e.name !== 'node_modules') walk(child);
      } else if (only.test(e.name)) out.push(child);
    }
  };
  walk(dir);
  return out.sort();
}

const read = (file: string): string => readFileSync(path.join(root, file), 'utf8');
const coreFiles = sourceFiles('electron/core', /\.ts$/);

describe('the scanners find what they are meant to', () => {
  const at = 'electron/core/payments/planted.ts';

  it('gatewayFindings: SDK imports of any form and comparisons on a gateway name, with file:line', () => {
    const planted = [
      "import Stripe from 'stripe';",
      "import type { Orders } from 'razorpay/dist/types/orders';",
      '// a comment saying === \'stripe\' is not code',
      "if (account.gateway === 'stripe') return;",
      "const other = 'razorpay' !== g;",
      '  case "razorpay":',
      "const sdk = require('razorpay');",
      "const label = gatewayLabel('stripe');",
      "const t = await import('stripe');",
    ].join('\n');
    expect(show(gatewayFindings(at, planted))).toEqual([
      `${at}:1: import Stripe from 'stripe';`,
      `${at}:2: import type { Orders } from 'razorpay/dist/types/orders';`,
      `${at}:4: if (account.gateway === 'stripe') return;`,
      `${at}:5: const other = 'razorpay' !== g;`,
      `${at}:6: case "razorpay":`,
      `${at}:7: const sdk = require('razorpay');`,
      `${at}:9: const t = await import('stripe');`,
    ]);
    expect(gatewayFindings(at, "import { GATEWAY_LIMITS } from '../../../shared/gateways';\nconst g: Gateway = 'stripe';")).toEqual([]);
  });

  it('adapterImports: one gateway\'s adapter folder, not the seam itself', () => {
    const planted = [
      "import { stripeEndpoints } from '../gateways/stripe/endpoints';",
      "import type { GatewayClient } from '../gateways/adapter';",
      "import { ADAPTERS } from '../gateways';",
      "export { razorpayAdapter } from '../gateways/razorpay';",
      "import type { LinkPort } from '../gateways/ports/links';",
    ].join('\n');
    expect(show(adapterImports(at, planted))).toEqual([
      `${at}:1: from '../gateways/stripe/endpoints'`,
      `${at}:4: from '../gateways/razorpay'`,
    ]);
  });

  it('storeFindings: statements, database calls and the Db type, but not RegExp#exec', () => {
    const planted = [
      "const row = d.db.prepare('SELECT 1').get();",
      'const stmt = db.prepare<[string], Row>(sql);',
      "db.exec('DELETE FROM payments');",
      'const run = deps.db.transaction(() => 1);',
      "srcDb.pragma('journal_mode = WAL');",
      'const m = /^x/.exec(key);',
      'import type { Db } from \'../store/db\';',
      'import {',
      '  openDb,',
      '  type Db,',
      "} from '../store/db';",
      "type D = import('../store/db').Db;",
      "import type { Db } from './db-alike';",
      'const r = transaction(() => repos.payments.byId(id));',
    ].join('\n');
    expect(show(storeFindings(at, planted))).toEqual([
      `${at}:1: const row = d.db.prepare('SELECT 1').get();`,
      `${at}:2: const stmt = db.prepare<[string], Row>(sql);`,
      `${at}:3: db.exec('DELETE FROM payments');`,
      `${at}:4: const run = deps.db.transaction(() => 1);`,
      `${at}:5: srcDb.pragma('journal_mode = WAL');`,
      `${at}:7: import type { Db } from '../store/db'`,
      `${at}:8: import { openDb, type Db, } from '../store/db'`,
      `${at}:12: import('../store/db').Db`,
    ]);
  });

  it('sizeFinding: over 400 lines fails; migrations pass; a data table gets a ceiling, not a pass', () => {
    const lines = (n: number) => 'x\n'.repeat(n);
    expect(sizeFinding('renderer/src/Big.tsx', lines(400))).toBeNull();
    expect(show([sizeFinding('renderer/src/Big.tsx', lines(401))!])).toEqual(['renderer/src/Big.tsx:401: 401 lines (at most 400)']);
    expect(sizeFinding('electron/core/store/migrations/011-next.ts', lines(900))).toBeNull();
    expect(sizeFinding('shared/gateways.ts', lines(700))).toBeNull();
    expect(sizeFinding('shared/gateways.ts', lines(801))).not.toBeNull();
    expect(lineCount('a\nb')).toBe(2);
  });
});

describe('the seams hold in electron/core', () => {
  it(`reads the core's files (${coreFiles.length})`, () => {
    expect(coreFiles.length).toBeGreaterThan(50);
    expect(coreFiles).toContain('electron/core/index.ts');
  });

  it('(a) outside gateways/: no gateway SDK import, no branch on a gateway name', () => {
    const found = coreFiles.filter((f) => !f.startsWith('electron/core/gateways/')).flatMap((f) => gatewayFindings(f, read(f)));
    expect(show(found)).toEqual([]);
  });

  it('(a) outside gateways/: no import of one gateway\'s adapter folder', () => {
    const found = coreFiles.filter((f) => !f.startsWith('electron/core/gateways/')).flatMap((f) => adapterImports(f, read(f)));
    expect(show(found)).toEqual([]);
  });

  it('(b) outside store/: no SQL statement, no database call, no Db type', () => {
    const found = coreFiles.filter((f) => !f.startsWith('electron/core/store/')).flatMap((f) => storeFindings(f, read(f)));
    expect(show(found)).toEqual([]);
  });
});

describe(`source files stay under ${MAX_LINES} lines`, () => {
  it('every data table on the allow-list exists', () => {
    const missing = Object.keys(DATA_TABLES).filter((f) => !sourceFiles(path.posix.dirname(f)).includes(f));
    expect(missing).toEqual([]);
  });

  it('(c) electron/, sandbox/, renderer/, shared/', () => {
    const files = ['electron', 'sandbox', 'renderer', 'shared'].flatMap((dir) => sourceFiles(dir));
    expect(files.length).toBeGreaterThan(100);
    const found = files.map((f) => sizeFinding(f, read(f))).filter((x): x is Finding => x !== null);
    expect(show(found)).toEqual([]);
  });
});
