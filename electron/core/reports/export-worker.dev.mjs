// Development / test entry of the export worker: loads the TypeScript worker through tsx's ESM API.
// Used by export.ts only when the bundled `export-worker.cjs` is not next to it (vitest, tsx). Never shipped.
import { tsImport } from 'tsx/esm/api';

await tsImport('./export-worker.ts', import.meta.url);
