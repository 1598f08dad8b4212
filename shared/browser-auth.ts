// Browser mode's credential, named once for the host (electron/browser-host/guard.ts), the page
// (renderer/src/api/http.ts) and the end-to-end tests. How it works is described in guard.ts.

/** every RPC carries the per-launch token in this header (the page and scripts alike) */
export const TOKEN_HEADER = 'x-paydesk-token';
/** the printed launch address carries the token as ?token= */
export const TOKEN_PARAM = 'token';
/** where the page keeps the token: its tab's sessionStorage, which belongs to this origin (scheme, host and port) */
export const TOKEN_STORAGE_KEY = 'paydesk.token';
/** POST here with the token header for a one-time ticket, for a request that cannot send headers */
export const TICKET_PATH = '/tickets';
/** the ticket travels as ?ticket= (EventSource on /events, a download link to /exports/<id>) */
export const TICKET_PARAM = 'ticket';
