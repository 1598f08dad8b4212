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
import { defineConfig, type Plugin } from 'vite';
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

export default defineConfig({
  root: fileURLToPath(new URL('./renderer', import.meta.url)),
  base: './',
  plugins: [react(), noInlineScriptsInDev()],
  build: {
    outDir: fileURLToPath(new URL('./dist/renderer', import.meta.url)),
    emptyOutDir: true,
    sourcemap: true,
    // no inline scripts or data: modules: the CSP forbids them (script-src 'self')
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
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
