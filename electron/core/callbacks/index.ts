// Outgoing callbacks to the shop's server (docs/callbacks.md).
export { createCallbacksService, type CallbacksService, type CallbacksDeps } from './service';
export { validateCallbackUrl, DEFAULT_OVERLAP_MS } from './config';
export { signatureHeader, verifySignature, parseSignature, SIGNATURE_HEADER, SECRET_PREFIX } from './signing';
export { nextAttemptAt, DEFAULT_SCHEDULE_MS } from './backoff';
