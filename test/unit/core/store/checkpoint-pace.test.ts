// The checkpoint worker's pace: every base interval while the desk writes, backing off to a maximum while
// it writes nothing, back to the base interval at the first new frame.
import { describe, expect, it } from 'vitest';
import { checkpointResultOf, nextCheckpointDelay } from '../../../../electron/core/store/checkpoint-pace';

const pace = { baseMs: 100, maxMs: 1_000 };

describe('the checkpoint pace', () => {
  it('doubles the wait while the WAL is fully copied and nothing was added, up to the maximum', () => {
    const idle = { log: 40, checkpointed: 40 };
    const waits: number[] = [];
    let delay = 100;
    for (let i = 0; i < 6; i++) {
      delay = nextCheckpointDelay(pace, delay, idle, idle);
      waits.push(delay);
    }
    expect(waits).toEqual([200, 400, 800, 1_000, 1_000, 1_000]);
  });

  it('goes back to the base interval when the desk wrote since the last checkpoint', () => {
    expect(nextCheckpointDelay(pace, 1_000, { log: 40, checkpointed: 40 }, { log: 52, checkpointed: 52 })).toBe(100);
    // the desk's own checkpoint started the WAL over: fewer frames than before is a write too
    expect(nextCheckpointDelay(pace, 1_000, { log: 40, checkpointed: 40 }, { log: 3, checkpointed: 3 })).toBe(100);
  });

  it('keeps the base interval while frames are left to copy (a reader held them back) or after the first checkpoint', () => {
    expect(nextCheckpointDelay(pace, 400, { log: 40, checkpointed: 30 }, { log: 40, checkpointed: 30 })).toBe(100);
    expect(nextCheckpointDelay(pace, 100, null, { log: 0, checkpointed: 0 })).toBe(100);
  });

  it('reads the row wal_checkpoint answers, and nothing else', () => {
    expect(checkpointResultOf({ busy: 0, log: 12, checkpointed: 10 })).toEqual({ log: 12, checkpointed: 10 });
    expect(checkpointResultOf(undefined)).toBeNull();
    expect(checkpointResultOf({ busy: 0, log: -1 })).toBeNull();
  });
});
