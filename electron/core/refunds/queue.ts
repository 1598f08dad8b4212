// A keyed async queue: tasks with the same key run one after another, in call order; other keys run
// freely. Refunds and captures of one payment go through it, so they never overlap.
export function createKeyedQueue() {
  const tails = new Map<string, Promise<void>>();

  return {
    run<T>(key: string, task: () => Promise<T>): Promise<T> {
      const prev = tails.get(key) ?? Promise.resolve();
      let release!: () => void;
      const done = new Promise<void>((r) => {
        release = r;
      });
      const tail = prev.then(() => done);
      tails.set(key, tail);
      return prev.then(task).finally(() => {
        release();
        if (tails.get(key) === tail) tails.delete(key);
      });
    },
    /** resolves when nothing is queued or running */
    async idle(): Promise<void> {
      while (tails.size > 0) await Promise.allSettled([...tails.values()]);
    },
    get size(): number {
      return tails.size;
    },
  };
}
