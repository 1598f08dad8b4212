// The desk's link to the other desks of its team: what this desk commits is told to them (./changes.ts), what
// they commit reaches this desk's screens as the same events a local change emits, and the state of the
// connection (./connection.ts) is kept and shown. Events caused by another desk are not told back (a loop).
import { events as eventSchemas, type EventName } from '../../../shared/contract';
import type { CoreEvents } from '../events';
import type { Log } from '../log';
import type { Store } from '../store';
import type { PgStore } from '../store/pg/store';
import { createChangeFeed, type ChangeNotice } from './changes';
import { createConnectionMonitor, whereOf, type TeamConnectionMonitor } from './connection';
import type { DeskIdentity } from './desk';

/** Events whose payload is small and free of customer data: they travel as they are. */
const FORWARDED: ReadonlySet<EventName> = new Set<EventName>([
  'refund.changed', 'account.changed', 'audit.appended', 'reports.changed', 'callbacks.changed', 'api.changed',
  'team.changed', 'webhooks.changed', 'externalHosts.changed',
]);

export interface TeamRelayDeps {
  url: string;
  /** the store's password when it does not come from PGPASSWORD / ~/.pgpass */
  password?: string;
  desk: DeskIdentity;
  store: Store;
  events: CoreEvents;
  log: Log;
  now: () => number;
  /** a payment changed: this desk's screens and callbacks hear of it as if the change were local */
  announce: (paymentId: string) => void;
}

export interface TeamRelay {
  connection: TeamConnectionMonitor;
  close(): Promise<void>;
}

export function startTeamRelay(d: TeamRelayDeps): TeamRelay {
  let remote = 0;
  /** runs `fn`, whose events were caused elsewhere (another desk, this desk's own connection): not published */
  const quietly = (fn: () => void): void => {
    remote++;
    try {
      fn();
    } finally {
      remote--;
    }
  };

  const pg = (d.store as Partial<PgStore>).pg ?? null;
  const connection = createConnectionMonitor({
    where: whereOf(d.url),
    now: d.now,
    pg,
    onChange: (c) => {
      d.log(c.state === 'connected' ? 'info' : 'warn', c.state === 'connected' ? 'the team database answers again' : (c.message ?? 'the team database cannot be reached'));
      quietly(() => d.events.emit('team.changed', {}));
      // a statement lost its connection: the feed checks whether the server is really away
      if (c.state === 'unreachable') feed.probe();
    },
  });

  const onRemote = (n: ChangeNotice): void =>
    quietly(() => {
      if (n.k === 'payment' && typeof n.id === 'string') return d.announce(n.id);
      if (n.k === 'team.caughtUp') return d.events.emit('team.caughtUp', {});
      if (!FORWARDED.has(n.k as EventName)) return;
      const name = n.k as EventName;
      const parsed = (eventSchemas[name] as { safeParse(v: unknown): { success: boolean; data?: unknown } }).safeParse(n.p ?? {});
      if (parsed.success) d.events.emit(name, parsed.data as never);
    });

  const feed = createChangeFeed({
    url: d.url,
    ...(d.password !== undefined ? { password: d.password } : {}),
    desk: d.desk,
    log: d.log,
    onRemote,
    onConnection: (up, reason) => (up ? connection.up() : connection.down(reason ?? 'it does not answer')),
    onCaughtUp: () => quietly(() => {
      d.log('info', 'caught up with the team database: every screen refetches');
      d.events.emit('team.caughtUp', {});
      d.events.emit('team.changed', {});
    }),
  });

  const unsubscribe = d.events.on((e) => {
    if (remote > 0) return;
    if (e.name === 'payment.changed') feed.publish('payment', (e.payload as { id: string }).id);
    else if (FORWARDED.has(e.name)) feed.publish(e.name, undefined, e.payload);
  });

  return {
    connection,
    async close() {
      unsubscribe();
      await feed.close();
    },
  };
}
