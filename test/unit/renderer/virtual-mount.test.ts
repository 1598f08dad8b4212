// The virtualizer's observers without the mount's layouts (renderer/src/components/virtual-mount.ts): the
// mount's write to the top of a new box is skipped, every other write reaches the box; the box's size is
// reported from the ResizeObserver only, never read when the list mounts.
import { expect, it } from 'vitest';
import type { Virtualizer } from '@tanstack/react-virtual';
import { observeRectAfterLayout, scrollAfterMount } from '../../../renderer/src/components/virtual-mount';

type Instance = Virtualizer<Element, Element>;

function box() {
  const writes: number[] = [];
  let reads = 0;
  const element = {
    scrollTo: (o: { top: number }) => writes.push(o.top),
    get clientHeight() { reads += 1; return 640; },
    get clientWidth() { reads += 1; return 1000; },
  };
  return { element, writes, reads: () => reads };
}

const instanceOn = (element: object, targetWindow: object = {}): Instance =>
  ({ scrollElement: element, targetWindow, options: { horizontal: false, isRtl: false } }) as unknown as Instance;

it('skips the mount\'s write to the top of a new box, and makes every other write', () => {
  const a = box();
  const list = instanceOn(a.element);
  scrollAfterMount(0, {}, list);
  expect(a.writes).toEqual([]);
  scrollAfterMount(520, {}, list);
  scrollAfterMount(0, {}, list);
  expect(a.writes).toEqual([520, 0]);

  // a list that mounts scrolled (a kept offset) writes it; so does a smooth scroll to the top
  const b = box();
  scrollAfterMount(300, {}, instanceOn(b.element));
  expect(b.writes).toEqual([300]);
  const c = box();
  scrollAfterMount(0, { behavior: 'smooth' }, instanceOn(c.element));
  expect(c.writes).toEqual([0]);

  // the same list on a new box: that box's first write to the top is the mount's again
  const d = box();
  (list as unknown as { scrollElement: object }).scrollElement = d.element;
  scrollAfterMount(0, {}, list);
  expect(d.writes).toEqual([]);
});

it('reports the size only from the ResizeObserver, after layout', () => {
  const a = box();
  const observers: { cb: () => void; observed: unknown[]; disconnected: boolean }[] = [];
  class FakeResizeObserver {
    o: (typeof observers)[number];
    constructor(cb: () => void) {
      this.o = { cb, observed: [], disconnected: false };
      observers.push(this.o);
    }
    observe(el: unknown) { this.o.observed.push(el); }
    disconnect() { this.o.disconnected = true; }
  }
  const sizes: { width: number; height: number }[] = [];
  const stop = observeRectAfterLayout(instanceOn(a.element, { ResizeObserver: FakeResizeObserver }), (r) => sizes.push(r));
  expect(a.reads()).toBe(0);
  expect(sizes).toEqual([]);
  observers[0]!.cb();
  expect(sizes).toEqual([{ width: 1000, height: 640 }]);
  expect(observers[0]!.observed).toEqual([a.element]);
  (stop as () => void)();
  expect(observers[0]!.disconnected).toBe(true);
});
