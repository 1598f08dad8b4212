// The main window. webPreferences is a LITERAL object on purpose, so electronegativity and
// test/security/web-preferences.test.ts can read every switch (security checklist #2-#4, #6, #8-#11).
import { BrowserWindow } from 'electron';
import { APP_ENTRY_URL } from './core/external-url';

export interface MainWindowOptions {
  preloadPath: string;
  iconPath?: string;
}

export function createMainWindow(opts: MainWindowOptions): BrowserWindow {
  const win = new BrowserWindow({ // eng-disable AUXCLICK_JS_CHECK — a middle-click new-window request reaches setWindowOpenHandler, which always denies (security.ts)
    width: 1280,
    height: 820,
    minWidth: 900,
    minHeight: 600,
    show: false,
    title: 'Paydesk',
    backgroundColor: '#ffffff',
    ...(opts.iconPath ? { icon: opts.iconPath } : {}),
    webPreferences: {
      preload: opts.preloadPath, // eng-disable PRELOAD_JS_CHECK — reviewed: exposes only call/on over two channels, names checked against the contract (test/security/preload.test.ts)
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      safeDialogs: true,
      spellcheck: true,
    },
  });
  win.once('ready-to-show', () => win.show());
  void win.loadURL(APP_ENTRY_URL);
  return win;
}
