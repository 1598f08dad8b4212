// Screen -> component, each screen loaded on demand as its own chunk (React.lazy) from the loaders in
// screen-code.ts, so the first paint evaluates only the shell and the screen it shows. The page's entry
// (main.tsx) starts loading the screen of the address at once; another screen's code loads when its link is
// pointed at or focused in the sidebar (app.tsx), or when it is opened.
// Add a screen: a folder in screens/, a row in nav.ts, a row in screen-code.ts.
import { Component, createElement, lazy, useEffect, useState, type ReactNode } from 'react';
import { Banner, Button } from './components';
import type { QueryClient } from '@tanstack/react-query';
import type { Transport } from './api/transport';
import { SCREENS, type Screen } from './router';
import { SCREEN_CODE, type ScreenComponent } from './screen-code';
import { prefetchOverview } from './screens/overview/queries';
import { prefetchPayments } from './screens/payments/queries';

interface ScreenView {
  /** the screen; suspends while its code loads */
  Component: ScreenComponent;
  /** starts loading the code (once); resolves when it is ready */
  preload(): Promise<unknown>;
  /** the code is here: the screen renders without suspending */
  isLoaded(): boolean;
}

function lazyScreen(load: () => Promise<ScreenComponent>): ScreenView {
  let loaded: ScreenComponent | null = null;
  let loading: Promise<ScreenComponent> | null = null;
  const preload = () =>
    (loading ??= load().then(
      (c) => (loaded = c),
      (err: unknown) => {
        loading = null; // a failed chunk load (host restarted) may be tried again on the next visit
        throw err;
      },
    ));
  const Lazy = lazy(() => preload().then((c) => ({ default: c })));
  // once the code is here, render the screen itself: no extra suspended render for a preloaded screen
  const Component: ScreenComponent = (props) => createElement(loaded ?? Lazy, props);
  return { Component, preload, isLoaded: () => loaded !== null };
}

const VIEWS = Object.fromEntries(SCREENS.map((s) => [s, lazyScreen(SCREEN_CODE[s])])) as Record<Screen, ScreenView>;

export const SCREEN_VIEWS = Object.fromEntries(SCREENS.map((s) => [s, VIEWS[s].Component])) as Record<Screen, ScreenComponent>;

/**
 * The data a screen asks for first, put in the query cache before its code has loaded: the requests
 * (first-data.ts) left from the page's entry the moment the account list answered, and these claim them.
 * Screens not listed ask when they render.
 */
const FIRST_DATA: Partial<Record<Screen, (client: QueryClient, t: Transport) => Promise<void>>> = {
  overview: prefetchOverview,
  payments: prefetchPayments,
};

export function prefetchScreenData(screen: Screen, client: QueryClient, t: Transport): Promise<void> {
  return FIRST_DATA[screen]?.(client, t).catch(() => {}) ?? Promise.resolve();
}

/** Starts loading one screen's code (errors surface when the screen renders). */
export function preloadScreen(screen: Screen): void {
  VIEWS[screen].preload().catch(() => {});
}

/**
 * True once the screen's code is here (or could not be loaded: the screen's boundary says so). The shell's
 * first render waits for it: a screen that suspends after its fallback has been painted is revealed no
 * sooner than 300 ms later (React throttles Suspense reveals), which at first paint costs more than the
 * wait for the chunk itself, already on its way since boot.ts.
 */
export function useScreenCode(screen: Screen): boolean {
  const view = VIEWS[screen];
  const [settled, setSettled] = useState(view.isLoaded);
  useEffect(() => {
    if (settled) return;
    let live = true;
    const done = () => live && setSettled(true);
    view.preload().then(done, done);
    return () => {
      live = false;
    };
  }, [view, settled]);
  return settled || view.isLoaded();
}

/**
 * Around the routed screen: if a screen cannot be shown (most often its code could not be loaded because the
 * host was restarted with another build, so the old chunk names are gone), say so with a way out instead of
 * a blank console. The sidebar stays usable; moving to another screen tries again.
 */
export class ScreenBoundary extends Component<{ screen: Screen; children: ReactNode }, { failed: boolean }> {
  override state = { failed: false };

  static getDerivedStateFromError(): { failed: boolean } {
    return { failed: true };
  }

  override componentDidUpdate(prev: { screen: Screen }): void {
    if (prev.screen !== this.props.screen && this.state.failed) this.setState({ failed: false });
  }

  override render(): ReactNode {
    if (!this.state.failed) return this.props.children;
    return (
      <Banner tone="danger" title="This screen could not be shown" className="main-banner" action={<Button size="sm" onClick={() => window.location.reload()}>Reload</Button>}>
        Paydesk may have been updated or restarted. Reloading the page usually fixes it.
      </Banner>
    );
  }
}
