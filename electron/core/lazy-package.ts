// Packages required on first use instead of at start. The gateway SDKs, node-postgres and synckit each take
// tens of milliseconds to load with their own dependencies (stripe ~100 ms, razorpay ~170 ms, pg ~90 ms on
// a 2-core machine), and a desk reaches its first screen before it needs any of them: the first gateway
// call, webhook or team connection pays for its own package once.
import { createRequire } from 'node:module';

const requireHere = createRequire(import.meta.url);

/** `() => require(id)`, loaded once; T is the package's `module.exports` (its default import). */
export function lazyPackage<T>(id: string): () => T {
  let loaded: T | undefined;
  return () => (loaded ??= requireHere(id) as T);
}
