// The one Content-Security-Policy of the renderer, used by electron/protocol.ts, the browser host and the Vite dev server.
// QR codes are drawn locally (data: images); no remote script, style, frame or connection is ever allowed.
export const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');
