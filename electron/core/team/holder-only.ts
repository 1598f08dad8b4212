// What only the desk running the shared jobs may do: start or stop the public address, switch the merchant
// API on or off, register webhook endpoints. On another desk of a team these would start a tunnel with no
// listener behind it, or an API the shop's website never reaches, so they are refused in words instead.
import { AppError } from '../../../shared/errors';
import type { TeamService } from './index';

/** Throws unless this desk runs the shared jobs (always true on SQLite). `what`: "Starting the public address". */
export function onlyOnLeaseHolder(team: Pick<TeamService, 'status'>, what: string): void {
  const s = team.status();
  if (s.engine === 'sqlite' || s.lease?.thisDesk) return;
  const where = s.lease
    ? `the desk “${s.lease.holderName}”, which runs the shared jobs now: do it there`
    : 'the desk that runs the shared jobs, and none does this moment: another desk takes them over within seconds, then do it there';
  throw new AppError('conflict', `${what} happens on ${where}. Settings → Team shows which desk that is.`);
}
