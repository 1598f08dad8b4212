// Vite builds the renderer only (ARCHITECTURE.md): esbuild bundles the Electron entries and the browser host.
// The dev server sends the same CSP as protocol.ts and the browser host, and proxies the RPC, the event
// stream, its tickets and export downloads to a running browser host.
//
// Dev loop (two terminals):
//   npm run host -- --port 5179 --data-dir /tmp/pd-dev --allow-origin http://127.0.0.1:5173
//   npx vite            (PAYDESK_HOST_PORT picks another host port)
//     then open http://127.0.0.1:5173/?token=<the token the host printed>: the page keeps it for its tab and
//     sends it as the x-paydesk-token header, which the proxy passes on;
//     or export PAYDESK_HOST_TOKEN=<token> and the proxy adds the header itself.
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin, type Rollup } from 'vite';
import react from '@vitejs/plugin-react';
import { CSP } from './shared/csp';

const hostPort = process.env.PAYDESK_HOST_PORT ?? '5179';
const hostTarget = `http://127.0.0.1:${hostPort}`;
const devToken = process.env.PAYDESK_HOST_TOKEN;

const proxyTo = {
  target: hostTarget,
  // the host accepts only Host: 127.0.0.1:<its port>; the Origin stays the dev server's (allow it with --allow-origin)
  changeOrigin: true,
  ...(devToken ? { headers: { 'x-paydesk-token': devToken } } : {}),
};

/**
 * The CSP has script-src 'self' and no 'unsafe-inline', also in development. The React plugin's fast-refresh
 * preamble arrives as an inline <script type="module">; serve every inline module script from a URL instead.
 */
function noInlineScriptsInDev(): Plugin {
  const scripts = new Map<string, string>();
  return {
    name: 'paydesk:no-inline-scripts-in-dev',
    apply: 'serve',
    transformIndexHtml: {
      order: 'post',
      handler(html) {
        return html.replace(/<script type="module">([\s\S]*?)<\/script>/g, (_whole, code: string) => {
          // same code, same URL: the map stays as small as the set of distinct inline scripts
          let path = [...scripts].find(([, c]) => c === code)?.[0];
          if (!path) scripts.set((path = `/@paydesk/inline-${scripts.size}.js`), code);
          return `<script type="module" src="${path}"></script>`;
        });
      },
    },
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const code = scripts.get((req.url ?? '').split('?')[0] ?? '');
        if (code === undefined) return next();
        res.setHeader('Content-Type', 'text/javascript; charset=utf-8');
        res.setHeader('Cache-Control', 'no-cache');
        res.end(code);
      });
    },
  };
}

/**
 * Each screen is its own chunk (renderer/src/screen-views.tsx). The page usually opens on the Overview (the
 * default address) or Payments: list their chunks (and CSS) in index.html as modulepreload / preload, so the
 * browser fetches them while it downloads and runs the entry, instead of after it. Other screens load on use.
 */
type OutputChunk = Rollup.OutputChunk;

function preloadFirstScreens(screens: string[]): Plugin {
  return {
    name: 'paydesk:preload-first-screens',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler(_html, ctx) {
        const bundle = ctx.bundle;
        if (!bundle) return;
        const chunks = Object.values(bundle).filter((c): c is OutputChunk => c.type === 'chunk');
        const entry = chunks.find((c) => c.isEntry);
        // what the entry already loads (Vite preloads its static imports itself)
        const loaded = new Set<string>();
        const walk = (file: string, into: Set<string>) => {
          if (into.has(file)) return;
          into.add(file);
          const c = bundle[file];
          if (c?.type === 'chunk') for (const i of c.imports) walk(i, into);
        };
        if (entry) walk(entry.fileName, loaded);
        const js = new Set<string>();
        const css = new Set<string>();
        for (const c of chunks) {
          if (!c.moduleIds.some((id) => screens.some((s) => id.endsWith(s)))) continue;
          const files = new Set<string>();
          walk(c.fileName, files);
          for (const f of files) {
            if (loaded.has(f)) continue;
            js.add(f);
            const chunk = bundle[f];
            if (chunk?.type === 'chunk') for (const s of chunk.viteMetadata?.importedCss ?? []) css.add(s);
          }
        }
        return [
          ...[...js].map((f) => ({ tag: 'link', attrs: { rel: 'modulepreload', crossorigin: true, href: `./${f}` }, injectTo: 'head' as const })),
          ...[...css].map((f) => ({ tag: 'link', attrs: { rel: 'preload', as: 'style', crossorigin: true, href: `./${f}` }, injectTo: 'head' as const })),
        ];
      },
    },
  };
}

/**
 * The code of the shell and the two first screens as ONE chunk (plus its CSS). Left to the bundler, the modules
 * they share with other screens become some twenty chunks, many under 1 KB; a browser fetches at most six at
 * a time from one HTTP/1.1 host, so a cold load of the browser host waited for four rounds of requests
 * before it could run the shell (bench:start, bench:payments). What the entry itself imports stays in the
 * entry, so it stays small and sends the first requests early (main.tsx); every other screen stays its own
 * chunk, loaded on use.
 */
function firstScreensChunk(entry: string, roots: string[]): Rollup.OutputOptions['codeSplitting'] {
  type Info = (id: string) => { importers: readonly string[] } | null;
  /** whether a module is one of `targets` or imported, statically and by any path, from one of them */
  const importedFrom = (targets: (id: string) => boolean, memo: Map<string, boolean>) => (id: string, info: Info): boolean => {
    const known = memo.get(id);
    if (known !== undefined) return known;
    const seen = new Set<string>();
    const todo = [id];
    let found = false;
    while (todo.length && !found) {
      const m = todo.pop()!;
      if (seen.has(m)) continue;
      seen.add(m);
      found = targets(m) || memo.get(m) === true;
      todo.push(...(info(m)?.importers ?? []));
    }
    memo.set(id, found);
    return found;
  };
  const inEntry = importedFrom((m) => m.endsWith(entry), new Map());
  const inFirst = importedFrom((m) => roots.some((r) => m.endsWith(r)), new Map());
  return {
    groups: [
      {
        debugName: 'first-screens',
        // the entry's own modules stay in the entry (they are dependencies of the captured ones)
        includeDependenciesRecursively: false,
        name: (id, ctx) => {
          const info: Info = (m) => ctx.getModuleInfo(m);
          return !inEntry(id, info) && inFirst(id, info) ? 'first-screens' : null;
        },
      },
    ],
  };
}

/** the shell and the screens a page usually opens on: the Overview (the default address) and Payments */
const FIRST_SCREENS = ['src/start.tsx', 'screens/overview/OverviewScreen.tsx', 'screens/payments/PaymentsScreen.tsx'];

export default defineConfig({
  root: fileURLToPath(new URL('./renderer', import.meta.url)),
  base: './',
  plugins: [react(), noInlineScriptsInDev(), preloadFirstScreens(FIRST_SCREENS)],
  build: {
    outDir: fileURLToPath(new URL('./dist/renderer', import.meta.url)),
    emptyOutDir: true,
    sourcemap: true,
    // no inline scripts or data: modules: the CSP forbids them (script-src 'self')
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    rollupOptions: { output: { codeSplitting: firstScreensChunk('src/main.tsx', FIRST_SCREENS) } },
  },
  server: {
    host: '127.0.0.1',
    port: 5173,
    headers: { 'Content-Security-Policy': CSP },
    proxy: {
      '/rpc': proxyTo,
      '/events': proxyTo,
      '/tickets': proxyTo,
      '/exports': proxyTo,
    },
  },
  preview: {
    host: '127.0.0.1',
    headers: { 'Content-Security-Policy': CSP },
  },
});
