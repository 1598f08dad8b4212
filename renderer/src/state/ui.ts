// UI-only state (STYLE.md §1.10): theme, which account the merchant is looking at, dismissed banners,
// the connection indicator and toasts. Never a copy of server data: accounts, payments and settings
// live in react-query and are refetched when the engine pushes a change event.
import { create } from 'zustand';
import { createJSONStorage, persist } from 'zustand/middleware';

export type ThemePref = 'system' | 'light' | 'dark';
/** 'session-ended': browser mode only, the host restarted with a new token; the page must be reopened */
export type ConnectionStatus = 'connected' | 'disconnected' | 'session-ended';

export interface Toast {
  id: number;
  tone: 'success' | 'error' | 'info';
  message: string;
}

interface UiState {
  theme: ThemePref;
  setTheme(theme: ThemePref): void;
  /** the account whose data the screens show; null = none chosen (test data may be shown: TEST MODE banner) */
  selectedAccountId: string | null;
  selectAccount(id: string | null): void;
  dismissedBanners: string[];
  dismissBanner(id: string): void;
  connection: ConnectionStatus;
  setConnection(status: ConnectionStatus): void;
  /** the sidebar folded to icons (true), spread out (false), or null: folded only in a narrow window */
  sidebarCollapsed: boolean | null;
  setSidebarCollapsed(collapsed: boolean): void;
  toasts: Toast[];
  toast(tone: Toast['tone'], message: string): void;
  dismissToast(id: number): void;
}

let nextToastId = 1;
const TOAST_MS = 5000;

export const useUi = create<UiState>()(
  persist(
    (set, get) => ({
      theme: 'system',
      setTheme: (theme) => set({ theme }),
      selectedAccountId: null,
      selectAccount: (selectedAccountId) => set({ selectedAccountId }),
      dismissedBanners: [],
      dismissBanner: (id) => set((s) => ({ dismissedBanners: s.dismissedBanners.includes(id) ? s.dismissedBanners : [...s.dismissedBanners, id] })),
      connection: 'connected',
      setConnection: (connection) => {
        const now = get().connection;
        // a session that ended stays ended: only reopening the page from the printed link fixes it
        if (now !== connection && now !== 'session-ended') set({ connection });
      },
      sidebarCollapsed: null,
      setSidebarCollapsed: (sidebarCollapsed) => set({ sidebarCollapsed }),
      toasts: [],
      toast: (tone, message) => {
        const id = nextToastId++;
        set((s) => ({ toasts: [...s.toasts.slice(-3), { id, tone, message }] }));
        setTimeout(() => get().dismissToast(id), tone === 'error' ? TOAST_MS * 2 : TOAST_MS);
      },
      dismissToast: (id) => set((s) => ({ toasts: s.toasts.filter((t) => t.id !== id) })),
    }),
    {
      name: 'paydesk.ui',
      storage: createJSONStorage(() => localStorage),
      version: 1,
      // only preferences persist; nothing from the server, nothing secret
      partialize: (s) => ({ theme: s.theme, selectedAccountId: s.selectedAccountId, dismissedBanners: s.dismissedBanners, sidebarCollapsed: s.sidebarCollapsed }),
    },
  ),
);
