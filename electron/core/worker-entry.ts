// Where a worker thread's entry is: the bundled `<name>.cjs` the build emits next to the running bundle
// (scripts/build.mjs), else, in tests and development, a tiny `.dev.mjs` next to the caller's source that
// loads the TypeScript worker through tsx. Each caller passes its own import.meta.url: in development the
// callers live in different folders, in the bundle all in dist/electron.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export function workerEntry(callerUrl: string, bundled: string, dev: string): string {
  const here = path.dirname(fileURLToPath(callerUrl));
  const built = path.join(here, bundled);
  return existsSync(built) ? built : path.join(here, dev);
}
