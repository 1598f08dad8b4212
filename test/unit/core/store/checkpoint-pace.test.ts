// The checkpoint worker's idea of an idle desk: the WAL fully copied and not one frame added since the
// checkpoint before. Then it waits for the WAL file to change instead of waking every interval.
import { describe, expect, it } from 'vitest';
import { checkpointResultOf, isIdle } from '../../../../electron/core/store/checkpoint-pace';

describe('the checkpoint pace', () => {
  it('is idle when the WAL is fully copied and nothing was added since the checkpoint before', () => {
    expect(isIdle({ log: 40, checkpointed: 40 }, { log: 40, checkpointed: 40 })).toBe(true);
  });

  it('is not idle when the desk wrote since, even when its own checkpoint started the WAL over', () => {
    expect(isIdle({ log: 40, checkpointed: 40 }, { log: 52, checkpointed: 52 })).toBe(false);
    expect(isIdle({ log: 40, checkpointed: 40 }, { log: 3, checkpointed: 3 })).toBe(false);
  });

  it('is not idle while frames are left to copy (a reader holds them back), after the first checkpoint, or without an answer', () => {
    expect(isIdle({ log: 40, checkpointed: 30 }, { log: 40, checkpointed: 30 })).toBe(false);
    expect(isIdle(null, { log: 0, checkpointed: 0 })).toBe(false);
    expect(isIdle({ log: 0, checkpointed: 0 }, null)).toBe(false);
  });

  it('reads the row wal_checkpoint answers, and nothing else', () => {
    expect(checkpointResultOf({ busy: 0, log: 12, checkpointed: 10 })).toEqual({ log: 12, checkpointed: 10 });
    expect(checkpointResultOf(undefined)).toBeNull();
    expect(checkpointResultOf({ busy: 0, log: -1 })).toBeNull();
  });
});
