// Applies the theme preference to <html data-theme>: 'system' follows prefers-color-scheme live.
import { useEffect, useSyncExternalStore } from 'react';
import { useUi } from './ui';

const query = () => window.matchMedia('(prefers-color-scheme: dark)');
const subscribe = (cb: () => void) => {
  const mq = query();
  mq.addEventListener('change', cb);
  return () => mq.removeEventListener('change', cb);
};

export function useResolvedTheme(): 'light' | 'dark' {
  const pref = useUi((s) => s.theme);
  const systemDark = useSyncExternalStore(subscribe, () => query().matches, () => false);
  return pref === 'system' ? (systemDark ? 'dark' : 'light') : pref;
}

export function useApplyTheme(): void {
  const theme = useResolvedTheme();
  useEffect(() => {
    document.documentElement.dataset.theme = theme;
    document.documentElement.style.colorScheme = theme;
  }, [theme]);
}
