// Development / test entry of the PostgreSQL worker: loads the TypeScript worker through tsx's ESM API.
// Used by sync-client.ts only when the bundled `pg-worker.cjs` is not next to it (vitest, tsx). Never shipped.
import { tsImport } from 'tsx/esm/api';

await tsImport('./worker.ts', import.meta.url);
