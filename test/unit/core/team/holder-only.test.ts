// Only the desk running the shared jobs starts the public address or the merchant API: a one-desk shop always
// may; another desk of a team is told which desk to use; with no holder at the moment, it is told to wait.
import { describe, expect, it } from 'vitest';
import type { TeamStatus } from '../../../../shared/contract';
import { onlyOnLeaseHolder } from '../../../../electron/core/team/holder-only';

const base: TeamStatus = {
  engine: 'postgres', database: 'PostgreSQL db:5432/paydesk', connection: { state: 'connected', since: 1, message: null },
  thisDesk: { id: 'b', name: 'Back office' }, lease: null, stableAddress: false,
};
const lease = (thisDesk: boolean): TeamStatus['lease'] => ({ holderId: thisDesk ? 'b' : 'a', holderName: thisDesk ? 'Back office' : 'Counter', thisDesk, acquiredAt: 1, expiresAt: 9, publicUrl: null });
const on = (s: Partial<TeamStatus>) => ({ status: () => ({ ...base, ...s }) });

describe('onlyOnLeaseHolder', () => {
  it('lets a one-desk shop and the holder through', () => {
    expect(() => onlyOnLeaseHolder(on({ engine: 'sqlite', database: null }), 'Starting the public address')).not.toThrow();
    expect(() => onlyOnLeaseHolder(on({ lease: lease(true) }), 'Starting the public address')).not.toThrow();
  });

  it('names the desk to use instead, or says none holds the jobs yet', () => {
    expect(() => onlyOnLeaseHolder(on({ lease: lease(false) }), 'Starting the public address')).toThrow(
      expect.objectContaining({ code: 'conflict', message: 'Starting the public address happens on the desk “Counter”, which runs the shared jobs now: do it there. Settings → Team shows which desk that is.' }),
    );
    expect(() => onlyOnLeaseHolder(on({ lease: null }), 'Switching the merchant API on')).toThrow(/none does this moment/);
  });
});
