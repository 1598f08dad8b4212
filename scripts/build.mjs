#!/usr/bin/env node
// Builds everything `npm start`, `npm run host`, the e2e tests and electron-builder need:
//   vite build                              renderer/           -> dist/renderer/
//   esbuild electron/main.ts                (node, cjs)         -> dist/electron/main.cjs
//   esbuild electron/preload.ts             (ONE file, browser) -> dist/electron/preload.cjs
//   esbuild electron/browser-host/cli.ts    (node, cjs)         -> dist/electron/browser-host.cjs
//   esbuild electron/core/reports/export-worker.ts (node, cjs)  -> dist/electron/export-worker.cjs
//   esbuild electron/core/store/pg/worker.ts (node, cjs)        -> dist/electron/pg-worker.cjs
//   esbuild electron/core/store/checkpoint-worker.ts (node, cjs) -> dist/electron/checkpoint-worker.cjs
//   build/icon.png                                              -> dist/electron/icon.png (window + tray)
// Package dependencies stay external (node_modules ships with the app; better-sqlite3 is native), except
// ESM-only packages (e.g. env-paths 4), which a CommonJS bundle cannot require(), and zod (loaded by every
// start; bundled it loads faster): those are bundled in.
// Every step runs even if an earlier one failed (so a half-built renderer does not hide main's errors);
// the script prints every error and exits 1 if any step failed. `--quiet` prints only errors and one summary line.
// `--only renderer,browser-host` runs just those steps (by id): the e2e fixture rebuilds only what is stale.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const quiet = process.argv.includes('--quiet');
const onlyArg = process.argv.indexOf('--only');
const only = onlyArg >= 0 ? (process.argv[onlyArg + 1] ?? '').split(',').filter(Boolean) : null;
const info = (...a) => {
  if (!quiet) console.log(...a);
};

const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
const deps = Object.keys(pkg.dependencies ?? {});

/** A package a CommonJS bundle cannot require(): "type": "module" and no `require` export condition. */
function isEsmOnly(name) {
  let p;
  try {
    p = JSON.parse(readFileSync(path.join(root, 'node_modules', name, 'package.json'), 'utf8'));
  } catch {
    return false; // not installed: leave it external and let the runtime say so
  }
  const hasRequireCondition = JSON.stringify(p.exports ?? null).includes('"require"');
  return p.type === 'module' && !hasRequireCondition && !String(p.main ?? '').endsWith('.cjs');
}
const esmOnly = deps.filter(isEsmOnly);
// Pure-JS packages every start loads (the contract's schemas): bundled, Node does not resolve and read their
// hundreds of files one by one at start (bench:start measured ~40 ms of CPU for zod alone).
const BUNDLED_FOR_START = ['zod'];
const bundled = [...esmOnly, ...BUNDLED_FOR_START.filter((d) => deps.includes(d))];
const external = deps.filter((d) => !bundled.includes(d));
if (esmOnly.length) info(`build: bundling ESM-only dependencies into the CommonJS outputs: ${esmOnly.join(', ')}`);

// zod carries its messages in 60-odd languages and exports them all (`z.locales`), so a bundle that imports
// `z` parses ~350 KB of them at every start; Paydesk's messages are its own and zod's are only ever English.
// Its locales index becomes English alone (zod configures English itself on import).
const zodEnglishOnly = {
  name: 'zod-english-only',
  setup(build) {
    const zodDir = `${path.sep}node_modules${path.sep}zod${path.sep}`;
    build.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      args.importer.includes(zodDir) ? { path: path.resolve(path.dirname(args.importer), '../locales/index.js'), namespace: 'zod-english-only' } : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'zod-english-only' }, (args) => ({
      contents: "export { default as en } from './en.js';",
      resolveDir: path.dirname(args.path),
      loader: 'js',
    }));
  },
};

// Packages core needs only for some requests, made to load on their first use instead of at every start:
// libphonenumber-js (~40 ms of require) checks a customer's phone number when a link is made. Each listed
// export becomes a function that requires the package the first time it is called; an export that is
// imported but not listed fails the build.
const LOAD_ON_FIRST_USE = { 'libphonenumber-js/min': ['getCountryCallingCode', 'getExampleNumber', 'parsePhoneNumberFromString'] };
const loadOnFirstUse = {
  name: 'load-on-first-use',
  setup(build) {
    const filter = new RegExp(`^(${Object.keys(LOAD_ON_FIRST_USE).map((n) => n.replace(/[/.-]/g, '\\$&')).join('|')})$`);
    build.onResolve({ filter }, (args) => (args.namespace === 'load-on-first-use' ? undefined : { path: args.path, namespace: 'load-on-first-use' }));
    build.onLoad({ filter: /.*/, namespace: 'load-on-first-use' }, (args) => ({
      contents: [
        `let loaded = null;`,
        `const load = () => (loaded ??= require(${JSON.stringify(args.path)}));`,
        ...LOAD_ON_FIRST_USE[args.path].map((name) => `export const ${name} = (...a) => load().${name}(...a);`),
      ].join('\n'),
      loader: 'js',
    }));
  },
};

// import.meta in a CommonJS bundle: point it at the bundle file itself.
const importMetaBanner = "const __paydesk_import_meta_url = require('node:url').pathToFileURL(__filename).href;";
const nodeCommon = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  sourcemap: true,
  logLevel: 'silent',
  absWorkingDir: root,
  external: ['electron', ...external],
  loader: { '.sql': 'text' },
  banner: { js: importMetaBanner },
  plugins: [zodEnglishOnly, loadOnFirstUse],
  define: {
    'import.meta.url': '__paydesk_import_meta_url',
    'import.meta.dirname': '__dirname',
    'import.meta.filename': '__filename',
  },
};

const allSteps = [
  {
    id: 'renderer',
    name: 'renderer (vite build -> dist/renderer)',
    run: () => {
      const r = spawnSync(process.execPath, [path.join(root, 'node_modules/vite/bin/vite.js'), 'build', ...(quiet ? ['--logLevel', 'error'] : [])], {
        cwd: root,
        stdio: 'inherit',
      });
      if (r.status !== 0) throw new Error(`vite build exited with ${r.status ?? r.signal}`);
    },
  },
  {
    id: 'main',
    name: 'electron main (-> dist/electron/main.cjs)',
    run: () => esbuildStep({ ...nodeCommon, entryPoints: ['electron/main.ts'], outfile: 'dist/electron/main.cjs', target: 'node22' }),
  },
  {
    id: 'preload',
    name: 'electron preload (-> dist/electron/preload.cjs, one file)',
    // Sandboxed preload: it can require only 'electron' (and a few polyfilled builtins), so everything is inlined.
    run: () =>
      esbuildStep({
        bundle: true,
        platform: 'browser',
        format: 'cjs',
        target: 'chrome130',
        minify: true, // parsed on every page load: smaller is faster (the names come from shared/contract-names.ts, without zod)
        sourcemap: true,
        logLevel: 'silent',
        absWorkingDir: root,
        external: ['electron'],
        entryPoints: ['electron/preload.ts'],
        outfile: 'dist/electron/preload.cjs',
      }),
  },
  {
    id: 'browser-host',
    name: 'browser host (-> dist/electron/browser-host.cjs)',
    run: () => esbuildStep({ ...nodeCommon, entryPoints: ['electron/browser-host/cli.ts'], outfile: 'dist/electron/browser-host.cjs', target: 'node20' }),
  },
  {
    // the CSV export's worker thread (electron/core/reports/export.ts looks for it next to the bundle that runs)
    id: 'export-worker',
    name: 'export worker (-> dist/electron/export-worker.cjs)',
    run: () => esbuildStep({ ...nodeCommon, entryPoints: ['electron/core/reports/export-worker.ts'], outfile: 'dist/electron/export-worker.cjs', target: 'node20' }),
  },
  {
    // the PostgreSQL connection's worker thread (electron/core/store/pg/sync-client.ts looks for it next to the bundle)
    id: 'pg-worker',
    name: 'PostgreSQL worker (-> dist/electron/pg-worker.cjs)',
    run: () => esbuildStep({ ...nodeCommon, entryPoints: ['electron/core/store/pg/worker.ts'], outfile: 'dist/electron/pg-worker.cjs', target: 'node20' }),
  },
  {
    // SQLite's WAL checkpoints' worker thread (electron/core/store/checkpointer.ts looks for it next to the bundle)
    id: 'checkpoint-worker',
    name: 'checkpoint worker (-> dist/electron/checkpoint-worker.cjs)',
    run: () => esbuildStep({ ...nodeCommon, entryPoints: ['electron/core/store/checkpoint-worker.ts'], outfile: 'dist/electron/checkpoint-worker.cjs', target: 'node20' }),
  },
  {
    id: 'icon',
    name: 'icon (build/icon.png -> dist/electron/icon.png)',
    run: () => {
      const src = path.join(root, 'build/icon.png');
      if (!existsSync(src)) throw new Error('build/icon.png is missing (node build/make-icon.mjs makes it)');
      mkdirSync(path.join(root, 'dist/electron'), { recursive: true });
      copyFileSync(src, path.join(root, 'dist/electron/icon.png'));
    },
  },
];

const unknown = (only ?? []).filter((id) => !allSteps.some((s) => s.id === id));
if (unknown.length) {
  console.error(`build: unknown step ${unknown.join(', ')}; the steps are ${allSteps.map((s) => s.id).join(', ')}`);
  process.exit(2);
}
const steps = only ? allSteps.filter((s) => only.includes(s.id)) : allSteps;

async function esbuildStep(options) {
  const result = await esbuild.build(options); // throws on errors; the message lists them all
  for (const w of result.warnings) {
    // import.meta is handled by `define`; anything else is worth reading
    if (!quiet) console.warn((await esbuild.formatMessages([w], { kind: 'warning', color: false })).join(''));
  }
}

const failures = [];
const started = Date.now();
for (const step of steps) {
  const t = Date.now();
  try {
    await step.run();
    info(`build: ok     ${step.name} (${((Date.now() - t) / 1000).toFixed(1)} s)`);
  } catch (err) {
    failures.push(step.name);
    console.error(`build: FAILED ${step.name}`);
    if (err && Array.isArray(err.errors) && err.errors.length) {
      console.error((await esbuild.formatMessages(err.errors, { kind: 'error', color: false })).join(''));
    } else {
      console.error(err instanceof Error ? err.message : String(err));
    }
  }
}

const secs = ((Date.now() - started) / 1000).toFixed(1);
if (failures.length) {
  console.error(`build: ${failures.length} of ${steps.length} steps failed in ${secs} s: ${failures.join('; ')}`);
  process.exit(1);
}
console.log(`build: ${steps.length} steps ok in ${secs} s (${only ? steps.map((s) => s.id).join(', ') : 'dist/renderer, dist/electron/{main,preload,browser-host}.cjs'})`);
