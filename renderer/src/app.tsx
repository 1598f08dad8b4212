// The shell: startup checks (engine reachable, database usable), then sidebar + banners + the routed screen.
// Each screen is its own chunk (screen-views.tsx): the first paint loads only the shell and the screen it shows.
import { Suspense, useCallback, useEffect, useRef, useState, type RefObject } from 'react';
import { useRpcQuery } from './api/hooks';
import { ApiError } from './api/errors';
import { Banner, Icon, Toaster } from './components';
import { parseHash, useRoute, type Screen } from './router';
import { SCREEN_VIEWS, ScreenBoundary, useScreenCode } from './screen-views';
import { ShortcutHelp, useShortcuts } from './shortcuts';
import { Sidebar, useSidebarCollapsed } from './sidebar';
import { useAccountsView } from './state/accounts-view';
import { useApplyTheme } from './state/theme';
import { useUi } from './state/ui';
import { OfflineScreen, SessionEndedScreen, StartupErrorScreen, SplashScreen } from './screens/system/StartupScreens';
import { DeskGate } from './screens/desk/DeskGate';
import { TeamBanner } from './screens/system/TeamBanner';

export function App() {
  useApplyTheme();
  const info = useRpcQuery('system.info', {}, {
    // while the engine is unreachable, keep knocking
    refetchInterval: (q) => (q.state.error instanceof ApiError && q.state.error.code === 'host_unreachable' ? 3000 : false),
    staleTime: Infinity,
  });

  // the shell waits for the account list too (boot.ts asked for both at once): drawn before it, the shell
  // would gain the TEST MODE strip and the account switch a moment later, and its first render would hold
  // up the screen's own first request, which leaves the moment the list answers
  const accounts = useRpcQuery('accounts.list', {});
  const connection = useUi((s) => s.connection);
  // ...and for the code of the screen it opens on (screen-views.tsx useScreenCode says why)
  const [firstScreen] = useState(() => parseHash(window.location.hash).screen);
  const firstScreenCode = useScreenCode(firstScreen);

  let body;
  if (connection === 'session-ended') body = <SessionEndedScreen />;
  else if (info.data?.startupError) body = <StartupErrorScreen error={info.data.startupError} info={info.data} onRetry={() => void info.refetch()} />;
  else if (info.data && !accounts.isPending && firstScreenCode) body = <DeskGate><Shell /></DeskGate>;
  else if (info.error) body = <OfflineScreen error={info.error} retrying={info.isFetching} onRetry={() => void info.refetch()} />;
  else body = <SplashScreen />;

  return (
    <>
      {body}
      <Toaster />
    </>
  );
}

function Shell() {
  const route = useRoute();
  const Screen = SCREEN_VIEWS[route.screen];
  const mainRef = useRef<HTMLElement>(null);
  const connection = useUi((s) => s.connection);
  const { showingTestData } = useAccountsView();
  const collapsed = useSidebarCollapsed();
  const [helpOpen, setHelpOpen] = useState(false);
  const openHelp = useCallback(() => setHelpOpen(true), []);
  useShortcuts(openHelp);

  return (
    <div className={['app', showingTestData ? 'is-test-mode' : '', collapsed ? 'has-folded-sidebar' : ''].filter(Boolean).join(' ')}>
      <a className="skip-link" href="#main" onClick={(e) => { e.preventDefault(); mainRef.current?.focus(); }}>
        Skip to main content
      </a>
      {showingTestData && (
        <div className="test-strip" role="status">
          <Icon name="flask" size={14} />
          <strong>TEST MODE</strong>
          <span>You are looking at test data. No real money moves.</span>
        </div>
      )}
      <Sidebar current={route.screen} collapsed={collapsed} onHelp={openHelp} />
      <main id="main" className="main" ref={mainRef} tabIndex={-1}>
        {connection === 'disconnected' && (
          <Banner tone="warning" title="Reconnecting to Paydesk’s engine…" className="main-banner">
            What you see may be out of date, and changes can’t be saved until it is back.
          </Banner>
        )}
        <TeamBanner />
        <ScreenBoundary screen={route.screen}>
          <Suspense fallback={<div className="screen-loading" aria-busy="true" aria-label="Loading" />}>
            <Screen rest={route.rest} />
            <FocusOnScreenChange screen={route.screen} mainRef={mainRef} />
          </Suspense>
        </ScreenBoundary>
      </main>
      <ShortcutHelp open={helpOpen} onClose={() => setHelpOpen(false)} />
    </div>
  );
}

/**
 * Moves focus to the new screen's heading, so keyboard and screen-reader users land on it (only on a change
 * of screen: not on first paint, not when the shell remounts). Inside the screen's Suspense boundary, so it
 * runs once the screen's code has loaded and its heading exists.
 */
function FocusOnScreenChange({ screen, mainRef }: { screen: Screen; mainRef: RefObject<HTMLElement | null> }) {
  const shown = useRef(screen);
  useEffect(() => {
    if (shown.current === screen) return;
    shown.current = screen;
    mainRef.current?.querySelector<HTMLElement>('h1')?.focus();
  }, [screen, mainRef]);
  return null;
}
