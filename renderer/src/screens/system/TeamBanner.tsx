// Shown above every screen while the team database (PostgreSQL) cannot be reached: what the desk still does
// (shows what it has), what it does not (changes anything), and that nothing acknowledged is lost. It follows
// team.status, which core refetches on team.changed (pushed when the connection is lost or back); a status
// that cannot be read for the same reason shows it too.
import { useRpcQuery } from '../../api/hooks';
import { Banner } from '../../components';

const clock = (ms: number): string => new Date(ms).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });

export function TeamBanner() {
  const q = useRpcQuery('team.status', {}, {
    // events can be missed too: while unreachable, look again now and then
    refetchInterval: (query) => (query.state.data?.connection.state === 'unreachable' || query.state.error?.code === 'store_unreachable' ? 5_000 : false),
  });
  const connection = q.data?.connection;
  const unreachable = connection?.state === 'unreachable' || q.error?.code === 'store_unreachable';
  if (!unreachable) return null;
  const why = connection?.state === 'unreachable' ? connection.message : q.error?.message;
  return (
    <Banner tone="danger" title={connection?.state === 'unreachable' ? `The team database has been out of reach since ${clock(connection.since)}` : 'The team database is out of reach'} className="main-banner">
      {why ? `${why} ` : ''}
      This desk keeps showing what it had, but it cannot make links, refunds or any other change until the database is back:
      nothing is sent to the gateways. Webhooks are not lost: this desk does not acknowledge them, so the gateways send them
      again. It reconnects by itself.
    </Banner>
  );
}
