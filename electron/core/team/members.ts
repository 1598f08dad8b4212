// The desks of a team on PostgreSQL: which desks hold the team key, one-time join codes that hand it to a new
// desk, and removing a desk from the list. Removing rotates nothing (the removed desk still holds the key it
// was given, and the owner sees that in the list); it only stops that desk from opening the team again.
import type { TeamDesk, TeamInvite } from '../../../shared/contract';
import { AppError } from '../../../shared/errors';
import { recordAudit } from '../audit';
import type { AuditRepo } from '../store/repos/audit';
import type { TeamDeskRow, TeamRepo } from '../store/repos/team';
import type { Transact } from '../store/transaction';
import type { OperatorRef } from '../types';
import type { DeskIdentity } from './desk';
import type { TeamMembers } from './index';
import { JOIN_CODE_TTL_MS, joinCodeId, newJoinCode, normalizeJoinCode, wrapTeamKey } from './join-code';
import { keyMatches } from './team-key';

export interface TeamMembersDeps {
  team: TeamRepo;
  audit: AuditRepo;
  transaction: Transact;
  desk: DeskIdentity;
  /** the team key this desk holds, unsealed by its protector when an invitation needs it */
  teamKey: () => Promise<{ key: Buffer; teamId: string } | null>;
  now: () => number;
  /** a desk was invited, joined or removed (core emits team.changed) */
  onChange: () => void;
}

const toDesk = (r: TeamDeskRow, thisDeskId: string): TeamDesk => ({
  id: r.id,
  name: r.name,
  joinedAt: r.joinedAt,
  joinedBy: r.joinedBy,
  lastSeenAt: r.lastSeenAt,
  removedAt: r.removedAt,
  thisDesk: r.id === thisDeskId,
});

const when = (ms: number): string => `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;

export function createTeamMembers(d: TeamMembersDeps): TeamMembers {
  /** the key to hand on, checked against the team database so a code never carries a wrong key */
  const currentKey = async (): Promise<{ key: Buffer; teamId: string }> => {
    const [local, meta] = [await d.teamKey(), d.team.meta()];
    if (!local || !meta || local.teamId !== meta.teamId || !keyMatches(local.key, meta.keyCheck)) {
      throw new AppError('unavailable', "This desk does not hold this team's key, so it cannot invite a desk. Invite from another owner's desk, or restart this desk to see what is wrong.");
    }
    return local;
  };

  return {
    desks: () => d.team.desks().map((r) => toDesk(r, d.desk.id)),

    async invite(actor: OperatorRef): Promise<TeamInvite> {
      const { key, teamId } = await currentKey();
      const code = newJoinCode();
      const canonical = normalizeJoinCode(code);
      const at = d.now();
      const expiresAt = at + JOIN_CODE_TTL_MS;
      d.transaction(() => {
        d.team.sweepJoinCodes(at);
        d.team.addJoinCode({ id: joinCodeId(canonical), ...wrapTeamKey(canonical, teamId, key), createdBy: actor.name, createdAt: at, expiresAt });
        recordAudit(d.audit, { operator: actor, action: 'team.desk_invited', details: { expiresAt }, at });
      });
      d.onChange();
      return { code, expiresAt };
    },

    removeDesk(id: string, actor: OperatorRef): void {
      if (id === d.desk.id) {
        throw new AppError('conflict', "This is the desk you are using, so it cannot remove itself. Remove it from another owner's desk.");
      }
      const at = d.now();
      d.transaction(() => {
        const desk = d.team.desk(id);
        if (!desk) throw new AppError('not_found', 'No desk of this team has that id. Refresh the list of desks and choose again.');
        if (desk.removedAt !== null) throw new AppError('conflict', `${desk.name} was removed from the team on ${when(desk.removedAt)} already.`);
        d.team.removeDesk(id, actor.name, at);
        recordAudit(d.audit, { operator: actor, action: 'team.desk_removed', subject: { type: 'desk', id }, details: { desk: desk.name }, at });
      });
      d.onChange();
    },
  };
}
