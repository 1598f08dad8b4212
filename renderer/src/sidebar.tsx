// The sidebar: account switch, the screens with their shortcuts, who is at the desk, the theme. In a window
// narrower than NARROW it folds to icons (the names stay as tooltips and accessible names) unless the merchant
// chose otherwise with the toggle; that choice is remembered (state/ui.ts).
import { useEffect, useRef, useState, useSyncExternalStore } from 'react';
import { Icon } from './components';
import { NAV } from './nav';
import { hrefFor, type Screen } from './router';
import { preloadScreen } from './screen-views';
import { GoKeys, isMac } from './shortcuts';
import { useAccountsView } from './state/accounts-view';
import { useUi, type ThemePref } from './state/ui';
import { DeskBadge } from './screens/desk/DeskGate';

const NARROW = '(max-width: 1179.98px)';

function useMedia(query: string): boolean {
  return useSyncExternalStore(
    (cb) => {
      const m = window.matchMedia(query);
      m.addEventListener('change', cb);
      return () => m.removeEventListener('change', cb);
    },
    () => window.matchMedia(query).matches,
    () => false,
  );
}

/** whether the sidebar shows icons only: the merchant's choice, else by the window's width */
export function useSidebarCollapsed(): boolean {
  const narrow = useMedia(NARROW);
  const choice = useUi((s) => s.sidebarCollapsed);
  return choice ?? narrow;
}

export function Sidebar({ current, collapsed, onHelp }: { current: Screen; collapsed: boolean; onHelp(): void }) {
  const setCollapsed = useUi((s) => s.setSidebarCollapsed);
  return (
    <nav className={collapsed ? 'sidebar is-collapsed' : 'sidebar'} aria-label="Main">
      <div className="brand">
        <span className="brand-mark" aria-hidden="true">P</span>
        <span className="brand-name">Paydesk</span>
        <button
          type="button"
          className="icon-btn sidebar-toggle"
          onClick={() => setCollapsed(!collapsed)}
          aria-label={collapsed ? 'Show the menu’s names' : 'Fold the menu to icons'}
          title={collapsed ? 'Show the menu’s names' : 'Fold the menu to icons'}
        >
          <Icon name="sidebar" size={18} />
        </button>
      </div>
      <AccountSwitch collapsed={collapsed} onExpand={() => setCollapsed(false)} />
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
              aria-keyshortcuts={item.modKey ? `${isMac() ? 'Meta' : 'Control'}+${item.modKey === ',' ? 'Comma' : item.modKey}` : undefined}
            >
              <Icon name={item.icon} size={18} />
              <span className="nav-label">{item.label}</span>
              <span className="nav-kbd" aria-hidden="true">
                <GoKeys goKey={item.goKey} />
              </span>
            </a>
          </li>
        ))}
      </ul>
      <div className="sidebar-footer">
        <DeskBadge />
        <div className="sidebar-tools">
          {collapsed ? <ThemeCycle /> : <ThemeSwitch />}
          <button type="button" className="icon-btn" onClick={onHelp} aria-label="Keyboard shortcuts" title="Keyboard shortcuts (?)" aria-keyshortcuts="Shift+?">
            <Icon name="keyboard" size={18} />
          </button>
        </div>
      </div>
    </nav>
  );
}

/** "Showing: all accounts / one account"; folded, a button that unfolds the menu and puts the focus on the choice */
function AccountSwitch({ collapsed, onExpand }: { collapsed: boolean; onExpand(): void }) {
  const { accounts, selected } = useAccountsView();
  const selectAccount = useUi((s) => s.selectAccount);
  const selectRef = useRef<HTMLSelectElement>(null);
  const [focusAfterExpand, setFocusAfterExpand] = useState(false);
  useEffect(() => {
    if (!collapsed && focusAfterExpand) {
      selectRef.current?.focus();
      setFocusAfterExpand(false);
    }
  }, [collapsed, focusAfterExpand]);
  if (accounts.length === 0) return null;
  const showing = selected ? `${selected.label} · ${selected.mode === 'test' ? 'Test' : 'Live'}` : 'All accounts';
  if (collapsed) {
    return (
      <button
        type="button"
        className="icon-btn account-switch-folded"
        aria-label={`Showing ${showing}. Change`}
        title={`Showing: ${showing}`}
        onClick={() => {
          setFocusAfterExpand(true);
          onExpand();
        }}
      >
        <span aria-hidden="true">{selected ? selected.label.slice(0, 1).toUpperCase() : 'All'}</span>
      </button>
    );
  }
  return (
    <div className="account-switch">
      <label htmlFor="account-switch" className="account-switch-label">
        Showing
      </label>
      <select ref={selectRef} id="account-switch" className="input select input-sm" value={selected?.id ?? ''} onChange={(e) => selectAccount(e.target.value || null)}>
        <option value="">All accounts</option>
        {accounts.map((a) => (
          <option key={a.id} value={a.id}>
            {a.label} · {a.mode === 'test' ? 'Test' : 'Live'}
          </option>
        ))}
      </select>
    </div>
  );
}

const THEMES: { value: ThemePref; label: string; icon: 'monitor' | 'sun' | 'moon' }[] = [
  { value: 'system', label: 'Match system', icon: 'monitor' },
  { value: 'light', label: 'Light', icon: 'sun' },
  { value: 'dark', label: 'Dark', icon: 'moon' },
];

/** folded, one button steps through the three choices (its name says the current one and the next) */
function ThemeCycle() {
  const theme = useUi((s) => s.theme);
  const setTheme = useUi((s) => s.setTheme);
  const at = THEMES.findIndex((t) => t.value === theme);
  const now = THEMES[at] ?? THEMES[0]!;
  const next = THEMES[(at + 1) % THEMES.length]!;
  const label = `Theme: ${now.label}. Next: ${next.label}`;
  return (
    <button type="button" className="icon-btn theme-cycle" onClick={() => setTheme(next.value)} aria-label={label} title={label}>
      <Icon name={now.icon} size={18} />
    </button>
  );
}

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
