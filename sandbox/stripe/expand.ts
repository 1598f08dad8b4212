// Stripe's `expand[]`: replaces ids in a response by the objects they name, up to 4 levels deep.
import { invalid } from './form.js';
import type { StripeEngine } from './engine.js';
import { linkLineItems } from './routes-checkout.js';

/** `expand[]` paths like payment_intent.latest_charge.balance_transaction, line_items, data.payment_intent. */
export function expandObject(engine: StripeEngine, body: object, paths: string[]): object {
  const copy = structuredClone(body) as Record<string, unknown>;
  for (const path of paths) {
    const segments = path.split('.');
    if (segments.length > 4) throw invalid(`You cannot expand more than 4 levels of a property. Property: ${path}`, 'expand');
    expandPath(engine, copy, segments, path);
  }
  return copy;
}

function expandPath(engine: StripeEngine, node: Record<string, unknown>, segments: string[], full: string): void {
  const [head, ...rest] = segments;
  if (!head) return;
  if (node.object === 'list' && head === 'data' && Array.isArray(node.data)) {
    for (const item of node.data) expandPath(engine, item as Record<string, unknown>, rest, full);
    return;
  }
  let value = node[head];
  if (head === 'line_items' && (node.object === 'checkout.session' || node.object === 'payment_link')) {
    const id = node.id as string;
    const items = node.object === 'checkout.session' ? engine.state.sessionLineItems[id] ?? [] : linkLineItems(engine, id);
    value = { object: 'list', data: structuredClone(items), has_more: false, url: node.object === 'checkout.session' ? `/v1/checkout/sessions/${id}/line_items` : `/v1/payment_links/${id}/line_items` };
  } else if (typeof value === 'string') {
    const target = engine.byId(value);
    if (!target) throw invalid(`This property cannot be expanded (${head}).`, 'expand');
    value = structuredClone(target);
  } else if (value === undefined) {
    throw invalid(`This property cannot be expanded (${full}).`, 'expand');
  }
  node[head] = value;
  if (rest.length > 0 && value && typeof value === 'object') expandPath(engine, value as Record<string, unknown>, rest, full);
}
