// "Paid!" as it happens: a toast when a pushed payment.changed says a payment turned paid, plus a browser
// Notification when the merchant allowed it (asked only after they click "Notify me"). In Electron the shell
// shows native notifications itself, so the browser one is skipped there (window.paydesk exists).
import { useEffect, useSyncExternalStore } from 'react';
import { useTransport } from '../../api/hooks';
import { toast } from '../../components';
import { displayMoney } from '../../format/money';
import { PdIcon } from './icons';

/** payments already announced in this page (a later fee or refund event repeats status "paid") */
const announced = new Set<string>();
/** only one mounted notifier acts, however many screens render one */
let owner: symbol | null = null;
/** a payment paid longer ago than this is old news (e.g. a refund event on a payment paid last week) */
const FRESH_MS = 10 * 60_000;

const inElectron = () => typeof window !== 'undefined' && window.paydesk !== undefined;
const browserNotifications = () => !inElectron() && typeof Notification !== 'undefined';

/** Mount once per screen that wants live "Paid" toasts (the shell may mount it for every screen). */
export function PaidNotifier() {
  const t = useTransport();
  useEffect(() => {
    const me = Symbol('notifier');
    owner ??= me;
    const off = t.on('payment.changed', (e) => {
      if (owner !== me || e.status !== 'paid' || announced.has(e.id)) return;
      announced.add(e.id);
      // the event carries the payment (null only while the desk is locked, when nothing is shown anyway)
      const payment = e.payment ? Promise.resolve(e.payment) : t.call('payments.get', { id: e.id }).then((r) => r.payment);
      void payment.then((p) => {
        if (p.paidAt === null || Date.now() - p.paidAt > FRESH_MS) return;
        const amount = displayMoney(p.capturedMinor || p.amountMinor, p.currency);
        const who = p.customerName ?? p.customerEmail;
        const message = `Paid: ${amount} for ${p.orderRef}${who ? ` by ${who}` : ''}`;
        toast.success(message);
        if (browserNotifications() && Notification.permission === 'granted') {
          try {
            const n = new Notification('Payment received', { body: message, tag: `paydesk-${p.id}` });
            n.onclick = () => {
              window.focus();
              window.location.hash = `#/payments/${encodeURIComponent(p.id)}`;
            };
          } catch {
            // some browsers only allow notifications from a service worker; the toast is enough
          }
        }
      }, () => announced.delete(e.id));
    });
    return () => {
      off();
      if (owner === me) owner = null;
    };
  }, [t]);
  return null;
}

// Notification.permission is slow to read (Chromium asks its browser process) and has no change event
// everywhere: read it once, then again after our own request and when the window regains focus.
const listeners = new Set<() => void>();
let current: NotificationPermission | 'unsupported' | null = null;
const readPermission = (): NotificationPermission | 'unsupported' => (browserNotifications() ? Notification.permission : 'unsupported');
const refresh = () => {
  const next = readPermission();
  if (next !== current) {
    current = next;
    listeners.forEach((l) => l());
  }
};
const subscribe = (cb: () => void) => {
  listeners.add(cb);
  if (listeners.size === 1) window.addEventListener('focus', refresh);
  return () => {
    listeners.delete(cb);
    if (listeners.size === 0) window.removeEventListener('focus', refresh);
  };
};
const permission = (): NotificationPermission | 'unsupported' => (current ??= readPermission());

/** "Notify me": asks for the browser's permission on a click (never on load). Hidden in the desktop app. */
export function NotifyMeButton() {
  const state = useSyncExternalStore(subscribe, permission, () => 'unsupported' as const);
  if (state === 'unsupported') return null;
  if (state === 'granted') {
    return (
      <span className="notify-state" title="A browser notification appears when a payment is paid">
        <PdIcon name="bell" size={14} /> Notifications on
      </span>
    );
  }
  if (state === 'denied') {
    return (
      <span className="notify-state muted" title="Allow notifications for this page in the browser’s site settings">
        <PdIcon name="bell" size={14} /> Notifications blocked
      </span>
    );
  }
  return (
    <button
      type="button"
      className="btn btn-ghost btn-sm"
      title="Show a browser notification when a payment is paid"
      onClick={() => {
        void Notification.requestPermission().finally(refresh);
      }}
    >
      <PdIcon name="bell" size={16} />
      <span className="btn-label">Notify me</span>
    </button>
  );
}
