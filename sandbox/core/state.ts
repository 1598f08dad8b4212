// In-memory JSON state, one slice per module, optionally persisted to one JSON file.
// Writes are debounced (a checkout creates a handful of objects at once) and atomic (tmp + rename),
// and `close()` flushes, so a clean shutdown never loses the last change. The file holds the test keys,
// webhook secrets and the control token, so it is readable by its owner only (0600), rewrites included.
import { chmodSync, closeSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { randomHex } from './ids.js';
import type { StateStore } from './types.js';

interface StateFile {
  version: 1;
  slices: Record<string, unknown>;
}

export interface PersistentStateStore extends StateStore {
  /** writes now if anything changed (no-op without a state file) */
  flush(): void;
  /** empties every slice in place (keeps the objects modules hold), except the names in `keep` */
  reset(keep?: string[]): void;
  close(): void;
}

const DEBOUNCE_MS = 100;

export function createStateStore(file?: string): PersistentStateStore {
  const loaded = file ? readStateFile(file) : {};
  const slices = new Map<string, { value: object; init: () => object }>();
  let dirty = false;
  let timer: NodeJS.Timeout | null = null;

  const flush = (): void => {
    if (timer) clearTimeout(timer);
    timer = null;
    if (!file || !dirty) return;
    dirty = false;
    const data: StateFile = { version: 1, slices: {} };
    for (const [name, entry] of slices) data.slices[name] = entry.value;
    // keep slices loaded from the file that no module asked for (yet), e.g. a gateway module that failed to load
    for (const [name, value] of Object.entries(loaded)) if (!slices.has(name)) data.slices[name] = value;
    writePrivateFile(file, JSON.stringify(data));
  };

  const store: PersistentStateStore = {
    slice<T extends object>(name: string, init: () => T): T {
      const existing = slices.get(name);
      if (existing) return existing.value as T;
      const fromFile = loaded[name];
      // a persisted slice is merged over a fresh one so fields added since it was written get defaults
      const value = (fromFile && typeof fromFile === 'object' ? { ...init(), ...fromFile } : init()) as T;
      slices.set(name, { value, init });
      return value;
    },
    touch() {
      if (!file) return;
      dirty = true;
      if (!timer) {
        timer = setTimeout(flush, DEBOUNCE_MS);
        timer.unref();
      }
    },
    flush,
    reset(keep = []) {
      for (const [name, entry] of slices) {
        if (keep.includes(name)) continue;
        const target = entry.value as Record<string, unknown>;
        for (const key of Object.keys(target)) delete target[key];
        Object.assign(target, entry.init());
      }
      store.touch();
    },
    close() {
      flush();
    },
  };
  return store;
}

/** Replaces `file` atomically with a new 0600 file: the temporary file is created 0600 (exclusively, so
 *  nothing placed there beforehand is reused), written, then renamed over the old one. */
function writePrivateFile(file: string, text: string): void {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.${randomHex(4)}.tmp`;
  const fd = openSync(tmp, 'wx', 0o600);
  try {
    try {
      writeFileSync(fd, text); // on an fd, writeFileSync loops until every byte is written
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, file);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}

function readStateFile(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw err;
  }
  // a file written before it was kept private: tighten it now rather than at the next change
  if (process.platform !== 'win32' && (statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
  const parsed = JSON.parse(text) as Partial<StateFile>;
  if (parsed.version !== 1 || typeof parsed.slices !== 'object' || parsed.slices === null) {
    throw new Error(`${file} is not a Paydesk Sandbox state file`);
  }
  return parsed.slices;
}
