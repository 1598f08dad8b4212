// Native notifications and the tray's facts, fed by core events:
//   payment.changed -> "Payment received" / "Payment failed"   (once per payment and outcome)
//   refund.changed  -> "Refund completed"                      (once per refund)
//   tunnel.changed  -> the tray's tunnel line
// Notifications can be switched off (the "Notify me about payments" menu item); the choice is a settings row
// ('desktop.notifications') so it survives restarts. Only recent facts notify: a sync that catches up on
// yesterday's payments after a restart does not ring the bell for each of them. A locked desk gets a
// notification without the customer or amount.
// Electron's Notification is injected (`show`), so this module is plain logic.
import type { MethodInput, MethodName, MethodOutput, Payment, TunnelStatus } from '../shared/contract';
import type { Envelope } from '../shared/errors';
import { formatMoney, isKnownCurrency } from '../shared/money';
import type { CoreEvent } from './core/types';

export interface NotifyCore {
  call<M extends MethodName>(method: M, input: MethodInput<M>, ctx: { transport: 'internal' }): Promise<Envelope<MethodOutput<M>>>;
  onEvent(listener: (event: CoreEvent) => void): () => void;
}

export interface LastPayment {
  text: string;
  at: number;
}

export interface NotificationsOptions {
  core: NotifyCore;
  /** Electron: new Notification({ title, body }).show(), click -> open the screen */
  show(n: { title: string; body: string; screen: 'payments' | 'refunds' }): void;
  enabled(): boolean;
  now?: () => number;
  /** the tray: a payment succeeded (text like "₹1,500.00 · ORDER-12") */
  onLastPayment?(p: LastPayment): void;
  onTunnel?(s: TunnelStatus): void;
  /** how old a fact may be and still notify; default 15 minutes */
  recentMs?: number;
  locale?: string;
}

const ctx = { transport: 'internal' } as const;

export function startNotifications(o: NotificationsOptions): () => void {
  const now = o.now ?? Date.now;
  const recent = o.recentMs ?? 15 * 60_000;
  const seen = new Set<string>();
  const remember = (key: string): boolean => {
    if (seen.has(key)) return false;
    seen.add(key);
    if (seen.size > 2000) seen.delete(seen.values().next().value as string);
    return true;
  };
  const money = (minor: number, currency: string): string => {
    if (!isKnownCurrency(currency)) return `${currency} ${minor} (minor units)`;
    try {
      return formatMoney(minor, currency, o.locale ?? 'en-US');
    } catch {
      return formatMoney(minor, currency, 'en-US');
    }
  };

  async function onPayment(id: string, status: string, p: Payment | null): Promise<void> {
    if (status !== 'paid' && status !== 'failed') return;
    if (!remember(`p:${id}:${status}`)) return;
    if (!p) {
      // the desk is locked: say that something happened, not what
      if (o.enabled()) o.show({ title: status === 'paid' ? 'Payment received' : 'A payment failed', body: 'Open Paydesk to see it.', screen: 'payments' });
      return;
    }
    const at = status === 'paid' ? p.paidAt ?? p.updatedAt : p.updatedAt;
    if (now() - at > recent) return;
    const amount = money(status === 'paid' && p.capturedMinor > 0 ? p.capturedMinor : p.amountMinor, p.currency);
    const test = p.mode === 'test' ? ' (test)' : '';
    if (status === 'paid') o.onLastPayment?.({ text: `${amount} · ${p.orderRef}${test}`, at });
    if (!o.enabled()) return;
    if (status === 'paid') {
      o.show({ title: `Payment received${test}`, body: `${amount} for ${p.orderRef}${p.customerName ? ` from ${p.customerName}` : ''}`, screen: 'payments' });
    } else {
      o.show({ title: `Payment failed${test}`, body: `${amount} for ${p.orderRef}${p.statusReason ? `: ${p.statusReason}` : ''}`, screen: 'payments' });
    }
  }

  async function onRefund(id: string, paymentId: string, status: string): Promise<void> {
    if (status !== 'succeeded') return;
    if (!remember(`r:${id}`)) return;
    if (!o.enabled()) return;
    const got = await o.core.call('refunds.list', { paymentId, limit: 50, offset: 0 }, ctx);
    const r = got.ok ? got.value.items.find((x) => x.id === id) : undefined;
    if (!r) {
      o.show({ title: 'Refund completed', body: 'Open Paydesk to see it.', screen: 'refunds' });
      return;
    }
    if (now() - r.updatedAt > recent) return;
    o.show({ title: `Refund completed${r.livemode ? '' : ' (test)'}`, body: `${money(r.amountMinor, r.currency)} back to ${r.customerName ?? 'the customer'} for ${r.orderRef}`, screen: 'refunds' });
  }

  const off = o.core.onEvent((e) => {
    const fail = () => undefined;
    if (e.name === 'payment.changed') void onPayment(e.payload.id, e.payload.status, e.payload.payment).catch(fail);
    else if (e.name === 'refund.changed') void onRefund(e.payload.id, e.payload.paymentId, e.payload.status).catch(fail);
    else if (e.name === 'tunnel.changed') o.onTunnel?.(e.payload);
  });
  return off;
}

const TUNNEL_WORDS: Record<TunnelStatus['state'], string> = {
  offline: 'Webhooks: tunnel off',
  connecting: 'Webhooks: connecting…',
  online: 'Webhooks: online',
  error: 'Webhooks: tunnel error',
};

/** The tray tooltip: "Paydesk · Webhooks: online · Last payment ₹1,500.00 · ORDER-12" */
export function trayTooltip(tunnel: TunnelStatus | null, last: LastPayment | null): string {
  const parts = ['Paydesk', tunnel ? TUNNEL_WORDS[tunnel.state] : TUNNEL_WORDS.offline];
  if (last) parts.push(`Last payment ${last.text}`);
  return parts.join(' · ');
}

export function tunnelMenuLabel(tunnel: TunnelStatus | null): string {
  if (!tunnel) return TUNNEL_WORDS.offline;
  if (tunnel.state === 'error' && tunnel.error) return `${TUNNEL_WORDS.error}: ${tunnel.error}`.slice(0, 90);
  return TUNNEL_WORDS[tunnel.state];
}
