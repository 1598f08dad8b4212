// @tanstack/react-virtual's element observers, less the two reads it makes when a list mounts. Its
// observeElementRect reads the scroll box's size at once, and its first scroll write puts the box where it
// already is (the top). Both happen inside React's commit, so each makes the browser lay out the whole page
// there: on a cold load of Payments, 55-70 ms before the rows existed, then the layout again once they did
// (bench:payments, Chromium traces). A list given an `initialRect` renders its first rows from that estimate;
// the box's real size arrives from the ResizeObserver after the browser's own layout, and corrects it.
import { elementScroll, observeElementRect, type Virtualizer } from '@tanstack/react-virtual';

type Rect = { width: number; height: number };
type ScrollOptions = Parameters<typeof elementScroll>[1];

/** observeElementRect, reporting only from its ResizeObserver (the first report follows the first layout) */
export function observeRectAfterLayout<T extends Element>(instance: Virtualizer<T, Element>, cb: (rect: Rect) => void): void | (() => void) {
  const element = instance.scrollElement;
  const ResizeObserver = instance.targetWindow?.ResizeObserver;
  if (!element || !ResizeObserver) return observeElementRect(instance, cb);
  const observer = new ResizeObserver(() => cb({ width: Math.round(element.clientWidth), height: Math.round(element.clientHeight) }));
  observer.observe(element, { box: 'content-box' });
  return () => observer.disconnect();
}

/** the box each list last wrote to: a write to the top of a box it never wrote to is the mount's, and a no-op */
const written = new WeakMap<object, Element>();

/** elementScroll, less the mount's write to the top of a box just created (where a new box already is) */
export function scrollAfterMount<T extends Element>(offset: number, options: ScrollOptions, instance: Virtualizer<T, Element>): void {
  const element = instance.scrollElement;
  const fresh = element !== null && written.get(instance) !== element;
  if (element) written.set(instance, element);
  if (fresh && offset + (options.adjustments ?? 0) === 0 && !options.behavior) return;
  elementScroll(offset, options, instance);
}
