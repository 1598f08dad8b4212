// Development / test entry of the checkpoint worker: loads the TypeScript worker through tsx's ESM API.
// Used by checkpointer.ts only when the bundled `checkpoint-worker.cjs` is not next to it (vitest, tsx). Never shipped.
import { tsImport } from 'tsx/esm/api';

await tsImport('./checkpoint-worker.ts', import.meta.url);
