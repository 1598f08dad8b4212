// The shell: startup checks (engine reachable, database usable), then sidebar + banners + the routed screen.
// Each screen is its own chunk (screen-views.tsx): the first paint loads only the shell and the screen it shows.
import { Suspense, useEffect, useRef, type RefObject } from 'react';
import { useRpcQuery } from './api/hooks';
import { ApiError } from './api/errors';
import { Banner, Icon, Toaster } from './components';
import { NAV } from './nav';
import { hrefFor, navigate, useRoute, type Screen } from './router';
import { SCREEN_VIEWS, ScreenBoundary, preloadScreen } from './screen-views';
import { useAccountsView } from './state/accounts-view';
import { useApplyTheme } from './state/theme';
import { useUi, type ThemePref } from './state/ui';
import { OfflineScreen, SessionEndedScreen, StartupErrorScreen, SplashScreen } from './screens/system/StartupScreens';
import { DeskBadge, DeskGate } from './screens/desk/DeskGate';

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

  let body;
  if (connection === 'session-ended') body = <SessionEndedScreen />;
  else if (info.data?.startupError) body = <StartupErrorScreen error={info.data.startupError} info={info.data} onRetry={() => void info.refetch()} />;
  else if (info.data && !accounts.isPending) body = <DeskGate><Shell /></DeskGate>;
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
  useShortcuts();


  return (
    <div className={showingTestData ? 'app is-test-mode' : 'app'}>
      <a className="skip-link" href="#main" onClick={(e) => { e.preventDefault(); mainRef.current?.focus(); }}>
        Skip to content
      </a>
      {showingTestData && (
        <div className="test-strip" role="status">
          <Icon name="flask" size={14} />
          <strong>TEST MODE</strong>
          <span>You are looking at test data. No real money moves.</span>
        </div>
      )}
      <Sidebar current={route.screen} />
      <main id="main" className="main" ref={mainRef} tabIndex={-1}>
        {connection === 'disconnected' && (
          <Banner tone="warning" title="Reconnecting to Paydesk’s engine…" className="main-banner">
            What you see may be out of date, and changes can’t be saved until it is back.
          </Banner>
        )}
        <ScreenBoundary screen={route.screen}>
          <Suspense fallback={<div className="screen-loading" aria-busy="true" aria-label="Loading" />}>
            <Screen rest={route.rest} />
            <FocusOnScreenChange screen={route.screen} mainRef={mainRef} />
          </Suspense>
        </ScreenBoundary>
      </main>
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

function Sidebar({ current }: { current: Screen }) {
  const { accounts, selected } = useAccountsView();
  const selectAccount = useUi((s) => s.selectAccount);
  const mac = isMac();
  return (
    <nav className="sidebar" aria-label="Main">
      <div className="brand">
        <span className="brand-mark" aria-hidden="true">P</span>
        <span className="brand-name">Paydesk</span>
      </div>
      {accounts.length > 0 && (
        <div className="account-switch">
          <label htmlFor="account-switch" className="account-switch-label">
            Showing
          </label>
          <select id="account-switch" className="input select input-sm" value={selected?.id ?? ''} onChange={(e) => selectAccount(e.target.value || null)}>
            <option value="">All accounts</option>
            {accounts.map((a) => (
              <option key={a.id} value={a.id}>
                {a.label} · {a.mode === 'test' ? 'Test' : 'Live'}
              </option>
            ))}
          </select>
        </div>
      )}
      <ul className="nav-list">
        {NAV.map((item) => (
          <li key={item.screen}>
            <a
              href={hrefFor(item.screen)}
              className={item.screen === current ? 'nav-link is-current' : 'nav-link'}
              aria-current={item.screen === current ? 'page' : undefined}
              title={item.label}
              // another screen's code loads when the pointer or focus comes to its link, so it is usually
              // there by the click; nothing loads in the background while the merchant works
              onMouseEnter={() => preloadScreen(item.screen)}
              onFocus={() => preloadScreen(item.screen)}
              aria-keyshortcuts={item.shortcut ? `${mac ? 'Meta' : 'Control'}+${item.shortcut === ',' ? 'Comma' : item.shortcut}` : undefined}
            >
              <Icon name={item.icon} size={18} />
              <span className="nav-label">{item.label}</span>
              {item.shortcut && <kbd className="nav-kbd">{mac ? '⌘' : 'Ctrl'} {item.shortcut}</kbd>}
            </a>
          </li>
        ))}
      </ul>
      <div className="sidebar-footer">
        <DeskBadge />
        <ThemeSwitch />
      </div>
    </nav>
  );
}

const THEMES: { value: ThemePref; label: string; icon: 'monitor' | 'sun' | 'moon' }[] = [
  { value: 'system', label: 'Match system', icon: 'monitor' },
  { value: 'light', label: 'Light', icon: 'sun' },
  { value: 'dark', label: 'Dark', icon: 'moon' },
];

function ThemeSwitch() {
  const theme = useUi((s) => s.theme);
  const setTheme = useUi((s) => s.setTheme);
  return (
    <div className="theme-switch" role="radiogroup" aria-label="Theme">
      {THEMES.map((t) => (
        <button
          key={t.value}
          type="button"
          role="radio"
          aria-checked={theme === t.value}
          aria-label={t.label}
          title={t.label}
          className={theme === t.value ? 'theme-option is-selected' : 'theme-option'}
          onClick={() => setTheme(t.value)}
        >
          <Icon name={t.icon} size={16} />
        </button>
      ))}
    </div>
  );
}

const isMac = () => /Mac|iPhone|iPad/.test(navigator.platform || navigator.userAgent);

function useShortcuts() {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const mod = isMac() ? e.metaKey : e.ctrlKey;
      if (!mod || e.altKey || e.shiftKey) return;
      if (e.key === 'n' || e.key === 'N') {
        e.preventDefault();
        navigate('new-link');
      } else if (e.key === ',') {
        e.preventDefault();
        navigate('settings');
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}
