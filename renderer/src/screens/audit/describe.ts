// An audit entry in a merchant's words: one sentence for the row ("Refund of ₹800.00 approved by Asha"),
// and labelled facts for the opened entry. Core stores plain JSON details; the words live here so the
// log itself stays data that any later wording can read.
import type { AuditEntryDto } from '../../../../shared/contract';
import type { ChipTone } from '../../components';
import { displayMoney } from '../../format/money';

type Details = Record<string, unknown>;

/** action -> the chip's words */
const ACTION_LABEL: Record<string, string> = {
  'link.created': 'Link created',
  'link.cancelled': 'Link cancelled',
  'refund.requested': 'Refund requested',
  'refund.succeeded': 'Refund succeeded',
  'refund.failed': 'Refund failed',
  'refund.refused': 'Refund refused',
  'payment.captured': 'Payment captured',
  'account.key_added': 'Account connected',
  'account.key_changed': 'Account changed',
  'account.key_removed': 'Keys removed',
  'account.verified': 'Keys checked',
  'operator.added': 'Person added',
  'operator.changed': 'Person changed',
  'export.made': 'Export made',
  'mode.live_switched': 'Live mode switched',
  'settings.changed': 'Settings changed',
  'tunnel.started': 'Public address started',
  'tunnel.stopped': 'Public address stopped',
  'tunnel.configured': 'Tunnel set up',
  'webhook.secret_generated': 'Webhook secret made',
  'webhook.endpoint_registered': 'Webhook endpoint registered',
  'backup.made': 'Backup made',
  'backup.passphrase_set': 'Backup passphrase set',
  'backup.restored': 'Backup restored',
  'api.called': 'API call',
  'team.desk_invited': 'Desk invited',
  'team.desk_joined': 'Desk joined',
  'team.desk_removed': 'Desk removed',
};

export function actionLabel(a: string): string {
  if (ACTION_LABEL[a]) return ACTION_LABEL[a];
  const [d, verb] = a.split('.');
  const s = `${d ?? a} ${(verb ?? '').replace(/_/g, ' ')}`.trim();
  return s.charAt(0).toUpperCase() + s.slice(1);
}

export function actionTone(a: string): ChipTone {
  if (/(failed|refused|removed)$/.test(a)) return 'danger';
  if (/(cancelled|stopped)$/.test(a)) return 'warning';
  if (/(succeeded|captured|added|created|started)$/.test(a)) return 'success';
  if (/requested$/.test(a)) return 'info';
  return 'neutral';
}

const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v : null);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const list = (items: string[]): string => (items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`);
const sentence = (s: string): string => s.replace(/[.\s]+$/, '') + '.';

function money(d: Details, key = 'amountMinor'): string | null {
  const minor = num(d[key]);
  const currency = str(d.currency);
  return minor !== null && currency ? displayMoney(minor, currency) : null;
}

const KEY_WORDS: Record<string, string> = {
  label: 'name', publicKey: 'public key', secretKey: 'secret key', webhookSecret: 'webhook secret',
  returnSuccessUrl: 'return page after paying', returnCancelUrl: 'return page after cancelling',
};
const PERSON_WORDS: Record<string, string> = { name: 'name', role: 'role', pin: 'PIN', enabled: 're-enabled', disabled: 'disabled' };
const PRESET_WORDS: Record<string, string> = { paydesk: 'Paydesk', stripe_balance: 'Stripe balance', razorpay_recon: 'Razorpay recon' };
const LINK_WORDS: Record<string, string> = { checkout_session: 'Stripe checkout link', payment_link: 'payment link', order: 'Razorpay order' };
const words = (keys: unknown, table: Record<string, string>): string[] =>
  Array.isArray(keys) ? keys.filter((k): k is string => typeof k === 'string').map((k) => table[k] ?? k) : [];

function refundSentence(action: string, d: Details): string {
  const amount = money(d) ?? (str(d.amount) ? `${str(d.amount)}` : 'the full amount');
  const order = str(d.orderRef) ? ` for ${str(d.orderRef)}` : '';
  if (action === 'refund.requested') return `Refund of ${amount}${order} ${str(d.approvedBy) ? `approved by ${str(d.approvedBy)}` : 'requested'}`;
  if (action === 'refund.succeeded') return `Refund of ${amount}${order} completed by the gateway`;
  if (action === 'refund.failed') return `Refund of ${amount}${order} failed${str(d.failureReason) ? `: ${str(d.failureReason)}` : ''}`;
  return `Refund of ${amount} refused${str(d.message) ? `: ${str(d.message)}` : ''}`;
}

function settingsSentence(e: AuditEntryDto, d: Details): string {
  const change = str(d.change);
  if (e.subjectType === 'api_token' && change) return `${change}${str(d.name) ? ` “${str(d.name)}”` : ''}`;
  if (change) return change;
  if (d.setting === 'reports') {
    const before = (d.before ?? {}) as Details;
    const after = (d.after ?? {}) as Details;
    const parts: string[] = [];
    if (before.timeZone !== after.timeZone) parts.push(`Reports time zone changed from ${String(before.timeZone)} to ${String(after.timeZone)}`);
    if (before.unsettledAfterDays !== after.unsettledAfterDays) parts.push(`not-settled flag moved from ${String(before.unsettledAfterDays)} to ${String(after.unsettledAfterDays)} days`);
    return parts.length ? parts.join('; ') : 'Report settings saved unchanged';
  }
  if (e.subjectId === 'refunds.policy') {
    const after = (d.after ?? {}) as { staffLimits?: Record<string, number>; idleMinutes?: number };
    const limits = Object.entries(after.staffLimits ?? {}).map(([c, m]) => displayMoney(m, c));
    return `Staff refund limit set to ${limits.length ? list(limits) : 'none (owners approve every refund)'}; the desk locks after ${after.idleMinutes ?? '?'} idle minutes`;
  }
  return 'Settings changed';
}

function accountSentence(action: string, d: Details): string {
  const who = str(d.label) ?? str(d.account) ?? 'An account';
  if (action === 'account.key_added') return `${who} connected${str(d.mode) ? ` (${str(d.mode)} mode)` : ''}`;
  if (action === 'account.verified') return `${who}: keys checked with the gateway, ${str(d.result) ?? 'done'}${str(d.message) ? ` (${str(d.message)})` : ''}`;
  if (d.removedAccount === true) return `${who} removed, with its keys`;
  const removed = words(d.removed, KEY_WORDS);
  const changed = words(d.changed, KEY_WORDS).filter((w) => !removed.includes(w));
  const parts = [changed.length ? `${list(changed)} changed` : '', removed.length ? `${list(removed)} removed` : ''].filter(Boolean);
  return `${who}: ${parts.join('; ') || 'saved unchanged'}`;
}

function tunnelSentence(action: string, d: Details): string {
  const via = d.provider === 'ngrok' ? 'ngrok' : 'your own URL';
  if (action === 'tunnel.started') return `Public address started with ${via}${str(d.url) ? ` at ${str(d.url)}` : ''}${str(d.problem) ? ` (${str(d.problem)})` : ''}`;
  if (action === 'tunnel.stopped') return `Public address${str(d.url) ? ` ${str(d.url)}` : ''} stopped`;
  const parts: string[] = [];
  if (d.authtokenChange === 'replaced') parts.push('ngrok authtoken replaced');
  if (d.authtokenChange === 'removed') parts.push('ngrok authtoken removed');
  if (d.domain === 'removed') parts.push('reserved domain removed');
  else if (str(d.domain)) parts.push(`reserved domain set to ${str(d.domain)}`);
  return parts.length ? parts.join('; ') : 'Tunnel settings saved unchanged';
}

function webhookSentence(action: string, d: Details): string {
  if (action === 'webhook.secret_generated') {
    return `New Razorpay webhook secret made for ${str(d.account) ?? 'an account'}${str(d.endsWith) ? ` (ends in ${str(d.endsWith)})` : ''}; the old one stops working`;
  }
  const endpoints = Array.isArray(d.endpoints) ? (d.endpoints as Details[]) : [];
  const each = endpoints.map((p) => `${str(p.account) ?? 'account'} → ${str(p.url) ?? 'no URL'} (${str(p.result) ?? '?'})`);
  return `Stripe webhook endpoint${each.length === 1 ? '' : 's'} registered: ${each.length ? list(each) : 'none'}`;
}

/** The row's sentence: what happened, in words, with the amounts as money. */
export function describeAudit(e: AuditEntryDto): string {
  const d = e.details;
  const [domain] = e.action.split('.');
  switch (domain) {
    case 'refund':
      return sentence(refundSentence(e.action, d));
    case 'link': {
      const what = LINK_WORDS[str(d.kind) ?? ''] ?? 'link';
      const order = str(d.orderRef) ?? 'an order';
      return sentence(e.action === 'link.created' ? `New ${what} for ${money(d) ?? 'an amount'}, order ${order}` : `Link for order ${order} cancelled`);
    }
    case 'payment':
      return sentence(`Payment of ${money(d) ?? 'an amount'} captured${num(d.authorizedMinor) !== null && num(d.authorizedMinor) !== num(d.amountMinor) ? ` (of ${money(d, 'authorizedMinor')} authorised)` : ''}`);
    case 'account':
      return sentence(accountSentence(e.action, d));
    case 'operator': {
      const who = str(d.name) ?? 'Someone';
      if (e.action === 'operator.added') return sentence(`${who} added as ${d.role === 'owner' ? 'an owner' : 'staff'}`);
      const changed = words(d.changed, PERSON_WORDS);
      return sentence(`${who}: ${changed.length ? list(changed.map((c) => (c === 'role' ? `role now ${String(d.role)}` : c === 'disabled' || c === 're-enabled' ? c : `${c} changed`))) : 'saved unchanged'}`);
    }
    case 'export':
      return sentence(`${PRESET_WORDS[str(d.preset) ?? ''] ?? 'CSV'} export for ${str(d.from) ?? '?'} to ${str(d.to) ?? '?'}`);
    case 'settings':
      return sentence(settingsSentence(e, d));
    case 'tunnel':
      return sentence(tunnelSentence(e.action, d));
    case 'webhook':
      return sentence(webhookSentence(e.action, d));
    case 'mode':
      return 'Switched to live mode.';
    case 'api':
      return sentence(`${str(d.method) ?? 'A call to'} ${str(d.endpoint) ?? 'the API'} answered ${num(d.status) ?? '?'}${str(d.tokenName) ? ` for the token ${str(d.tokenName)}` : ''}${d.replayed === true ? ' (a repeat, answered as the first time)' : ''}`);
    default:
      return sentence(actionLabel(e.action));
  }
}

const FACT_LABEL: Record<string, string> = {
  amountMinor: 'Amount', authorizedMinor: 'Authorised', orderRef: 'Order reference', approvedBy: 'Approved by', approvalGiven: 'Owner approval given',
  message: 'Why', failureReason: 'Why it failed', reason: 'Refund reason', speed: 'Speed', note: 'Note', paymentId: 'Payment', accountId: 'Account',
  gatewayRefundId: 'Gateway refund id', gatewayPaymentId: 'Gateway payment id', gateway: 'Gateway', mode: 'Mode', label: 'Account name', kind: 'Link type',
  preset: 'Preset', from: 'From', to: 'To', fileName: 'File', bom: 'Byte-order mark for Excel', field: 'Field', source: 'Reported by', statusBefore: 'Status before',
  createdBy: 'Made by', name: 'Name', role: 'Role', url: 'Address', provider: 'Provider', state: 'State', problem: 'Problem', endsWith: 'Secret ends in',
  account: 'Account', result: 'Result', domain: 'Reserved domain', authtokenChange: 'ngrok authtoken',
  tokenName: 'Token', method: 'Method', endpoint: 'Endpoint', path: 'Path', status: 'Answer', replayed: 'Repeated request', error: 'Error',
  urlBefore: 'Callback address before', urlAfter: 'Callback address', secretCreated: 'Signing secret made', previousSignsUntil: 'Previous secret signs until', event: 'Callback event',
};
/** facts the sentence already says in full, or that are ids better reached through the row's link */
const HIDDEN = new Set(['currency', 'approvedById', 'tokenId']);

const humanise = (key: string): string => {
  const s = key.replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/_/g, ' ').toLowerCase();
  return s.charAt(0).toUpperCase() + s.slice(1);
};

function factValue(key: string, v: unknown, d: Details): string {
  if (/Minor$/.test(key) && typeof v === 'number' && typeof d.currency === 'string') return displayMoney(v, d.currency);
  if (typeof v === 'boolean') return v ? 'Yes' : 'No';
  if (Array.isArray(v)) return v.map((x) => (typeof x === 'object' && x !== null ? factObject(x as Details) : String(x))).join('; ');
  if (typeof v === 'object' && v !== null) return factObject(v as Details);
  return String(v);
}

const factObject = (o: Details): string =>
  Object.entries(o).filter(([, x]) => x !== null && x !== undefined && x !== '').map(([k, x]) => `${(FACT_LABEL[k] ?? humanise(k)).toLowerCase()} ${factValue(k, x, o)}`).join(', ');

/** The opened entry's facts: labelled in words, money as money, yes/no for flags. */
export function auditFacts(e: AuditEntryDto): { label: string; value: string }[] {
  return Object.entries(e.details)
    .filter(([k, v]) => !HIDDEN.has(k) && v !== null && v !== undefined && v !== '' && !(Array.isArray(v) && v.length === 0))
    .map(([k, v]) => ({ label: FACT_LABEL[k] ?? humanise(k), value: factValue(k, v, e.details) }));
}
