// Handlers of outgoing callbacks (callbacks.*): where they go, the signing secret (shown once when made),
// the delivery log and a resend. Every change is audited without the secret or the URL's query string.
import type { CallbackDelivery, CallbacksStatus } from '../../../shared/contract';
import { AppError } from '../../../shared/errors';
import { recordAudit } from '../audit';
import { validateCallbackUrl } from '../callbacks';
import type { CoreDeps } from '../deps';
import type { Handlers } from '../rpc';
import type { CallbackEventRow } from '../store/repos/callbacks';

const subject = { type: 'callbacks', id: 'callbacks' } as const;

/** the address as the audit log keeps it: no query string, which may carry a shop's own token */
const auditUrl = (url: string | null): string | null => {
  if (url === null) return null;
  const u = new URL(url);
  return `${u.origin}${u.pathname}`;
};

function orderIdOf(payload: string): string | null {
  try {
    const v = (JSON.parse(payload) as { data?: { order_id?: unknown } }).data?.order_id;
    return typeof v === 'string' ? v : null;
  } catch {
    return null;
  }
}

export const deliveryOf = (r: CallbackEventRow): CallbackDelivery => ({
  id: r.id, type: r.type, paymentId: r.payment_id, orderId: orderIdOf(r.payload), livemode: r.livemode === 1, status: r.status, attempts: r.attempts,
  lastStatus: r.last_status, lastError: r.last_error, createdAt: r.created_at, deliveredAt: r.delivered_at, nextAttemptAt: r.next_attempt_at,
});

export function callbacksHandlers(d: CoreDeps): Handlers<'callbacks.'> {
  const { audit, callbacks: outbox } = d.store.repos;
  const cb = () => d.callbacks;
  const status = (): CallbacksStatus => {
    const c = cb().config.get();
    const now = d.clock.now();
    return {
      url: c.url, enabled: c.url !== null, secretLast4: cb().config.hint(),
      previousSignsUntil: c.previousUntil !== null && c.previousUntil > now ? c.previousUntil : null,
      counts: outbox.counts(),
    };
  };
  const changed = (): void => d.events.emit('callbacks.changed', {});

  return {
    'callbacks.get': () => status(),
    'callbacks.set': ({ url }, ctx) => {
      const valid = url === null || url === '' ? null : validateCallbackUrl(url);
      const before = cb().config.get().url;
      const at = d.clock.now();
      const made = d.store.transaction(() => {
        const r = cb().config.setUrl(valid, at);
        const change = valid === null ? 'Callbacks switched off' : `Callbacks go to ${auditUrl(valid)}`;
        recordAudit(audit, { operator: ctx.operator, action: 'settings.changed', subject, details: { change, urlBefore: auditUrl(before), urlAfter: auditUrl(valid), secretCreated: r.newSecret !== null }, at });
        return r.newSecret;
      });
      changed();
      return { status: status(), created: made === null ? null : { secret: made, previousSignsUntil: null } };
    },
    'callbacks.rotateSecret': (_input, ctx) => {
      const at = d.clock.now();
      const r = d.store.transaction(() => {
        const rotated = cb().config.rotate(at);
        recordAudit(audit, { operator: ctx.operator, action: 'settings.changed', subject, details: { change: 'Callback signing secret rotated', previousSignsUntil: rotated.previousUntil === null ? null : new Date(rotated.previousUntil).toISOString() }, at });
        return rotated;
      });
      changed();
      return { status: status(), created: { secret: r.secret, previousSignsUntil: r.previousUntil } };
    },
    'callbacks.deliveries': ({ limit }) => outbox.recent(limit ?? 50).map(deliveryOf),
    'callbacks.resend': ({ id }, ctx) => {
      const at = d.clock.now();
      const row = d.store.transaction(() => {
        const cur = outbox.byId(id);
        if (!cur) throw new AppError('not_found', `No callback event ${id}`, { field: 'id' });
        outbox.resend(id, at);
        recordAudit(audit, { operator: ctx.operator, action: 'settings.changed', subject: { type: 'callback_event', id }, details: { change: `Callback ${cur.type} sent again`, event: id, paymentId: cur.payment_id }, livemode: cur.livemode === 1, at });
        return outbox.byId(id)!;
      });
      void cb().flush();
      changed();
      return deliveryOf(row);
    },
  };
}
