// Electron entry (bundled to dist/electron/main.cjs): single-instance lock, lifecycle, the app:// protocol,
// the embedded Paydesk Sandbox, core (with a safeStorage key protector), the window, the tray and the menu.
// All the work happens in core (plain Node); this file only composes Electron around it.
import { app, dialog, ipcMain, Menu, nativeImage, Notification, session, Tray, type BrowserWindow, type MenuItemConstructorOptions } from 'electron';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { TunnelStatus } from '../shared/contract';
import { createSandbox } from '../sandbox/index';
import { externalLinkSources } from './core/external-hosts';
import { APP_ENTRY_URL, type ExternalUrlPolicy } from './core/external-url';
import { createCore, type PaydeskCore } from './core/index';
import { parseSandboxSwitch, readSandboxSetting, sandboxDecision } from './core/sandbox-policy';
import { parseStoreChoice } from './core/store/choice';
import type { CoreOptions } from './core/types';
import { withExportSaveDialog } from './export-dialog';
import { registerIpc } from './ipc';
import { installAppProtocol, registerAppSchemePrivileges } from './protocol';
import { startNotifications, trayTooltip, tunnelMenuLabel, type LastPayment } from './notifications';
import { createSafeStorageProtector } from './safe-storage';
import { installSecurityPolicy, type Log } from './security';
import { createMainWindow } from './window';

type Sandbox = Awaited<ReturnType<typeof createSandbox>>;

const log: Log = (level, message, detail) => {
  const line = `[paydesk] ${level}: ${message}${detail ? ` ${JSON.stringify(detail)}` : ''}`;
  if (level === 'error') console.error(line);
  else if (level === 'warn') console.warn(line);
  else console.log(line);
};

// dist/electron/main.cjs -> dist/renderer, dist/electron/preload.cjs, dist/electron/icon.png
const RENDERER_ROOT = path.join(__dirname, '..', 'renderer');
const PRELOAD_PATH = path.join(__dirname, 'preload.cjs');
const ICON_PATH = path.join(__dirname, 'icon.png');

/** This launch's own choice: `--sandbox=on|off`, else `PAYDESK_SANDBOX=on|off`; null when neither says. */
function sandboxOverride(): boolean | null {
  const flag = process.argv.find((a) => a.startsWith('--sandbox='));
  return parseSandboxSwitch(flag?.slice('--sandbox='.length)) ?? parseSandboxSwitch(process.env.PAYDESK_SANDBOX);
}

// Per-test / per-profile data dir (e2e fixtures): must be set before the lock and before 'ready'.
if (process.env.PAYDESK_DATA_DIR) app.setPath('userData', path.resolve(process.env.PAYDESK_DATA_DIR));

// app:// must be privileged before 'ready'.
registerAppSchemePrivileges();

let mainWindow: BrowserWindow | null = null;
let tray: Tray | null = null;
let core: PaydeskCore | null = null;
let stopNotifications: (() => void) | null = null;
/** what the tray shows: the tunnel's state and the last payment received */
const trayFacts: { tunnel: TunnelStatus | null; lastPayment: LastPayment | null } = { tunnel: null, lastPayment: null };
const NOTIFY_SETTING = 'desktop.notifications';
let sandbox: Sandbox | null = null;
let sandboxPort: number | null = null;
/** what core knows for the URL policy: the owner-added hosts and the payment links Paydesk made */
let linkSources: (() => Pick<ExternalUrlPolicy, 'ownerHosts' | 'isPaydeskLink'>) | null = null;
let disposeIpc: (() => void) | null = null;
let quitting = false;
let shutDown = false;

if (!app.requestSingleInstanceLock()) {
  // Another Paydesk owns this data dir; it focuses its window ('second-instance' below).
  app.quit();
} else {
  app.on('second-instance', () => showWindow());
  app.on('before-quit', () => {
    quitting = true;
  });
  app.on('will-quit', (event) => {
    if (shutDown) return;
    event.preventDefault();
    void shutdown().finally(() => {
      shutDown = true;
      app.quit();
    });
  });
  // The window closes to the tray: the app keeps receiving webhooks. Without a tray, closing quits.
  app.on('window-all-closed', () => {
    if (!tray) app.quit();
  });
  app.on('activate', () => showWindow());
  app.whenReady().then(start, (err: unknown) => fatal(err));
}

async function start(): Promise<void> {
  try {
    // links open in the system browser only to the gateways, the sandbox, the links Paydesk made and the
    // hosts an owner allowed; the last two come from core once it runs (nothing extra before or after)
    installSecurityPolicy(session.defaultSession, { externalPolicy: () => ({ sandboxPort, ...(core ? linkSources?.() : {}) }), log });
    installAppProtocol(RENDERER_ROOT);

    const dataDir = app.getPath('userData');
    // a packaged app leaves the sandbox off until the merchant turns it on (core/sandbox-policy.ts)
    const decision = sandboxDecision({ packaged: app.isPackaged, shell: 'electron', setting: readSandboxSetting(dataDir), override: sandboxOverride() });
    log('info', `Paydesk Sandbox ${decision.reason}`);
    if (decision.start) {
      sandbox = await createSandbox({ port: 0, host: '127.0.0.1', stateFile: path.join(dataDir, 'sandbox-state.json') });
      sandboxPort = Number(new URL(sandbox.url).port) || null;
      log('info', `Paydesk Sandbox at ${sandbox.url}`);
    }

    const safe = createSafeStorageProtector();
    if (!safe.ok) log('warn', `${safe.reason} Falling back to core's default key protection.`);
    const options: CoreOptions = {
      dataDir,
      // a team's PostgreSQL database when PAYDESK_STORE names one (npm start -- --store …); a bad value is thrown
      // as an AppError whose message names what to fix, shown like any start-up failure. Unset: the store
      // chosen in Settings → Team (core/team/store-choice.ts), else this computer's SQLite file
      ...(process.env.PAYDESK_STORE?.trim() ? { store: parseStoreChoice(process.env.PAYDESK_STORE, 'PAYDESK_STORE') } : {}),
      // an owner's one-time join code (npm start -- --join …): how this desk receives the team key
      ...(process.env.PAYDESK_JOIN?.trim() ? { join: process.env.PAYDESK_JOIN } : {}),
      shell: 'electron',
      packaged: app.isPackaged,
      sandbox: sandbox ? { url: sandbox.url, keys: sandbox.keys, controlToken: sandbox.controlToken } : null,
      log,
      ...(safe.ok ? { protector: safe.protector } : {}),
    };
    core = await createCore(options);
    linkSources = core.deps ? externalLinkSources(core.deps) : null;

    const c = core;
    disposeIpc = registerIpc({
      ipcMain,
      // the CSV export asks where to save first (the save dialog) and moves the finished file there
      core: withExportSaveDialog({
        core: c,
        dataDir,
        dialog: {
          showSaveDialog: (o) => (mainWindow && !mainWindow.isDestroyed() ? dialog.showSaveDialog(mainWindow, o) : dialog.showSaveDialog(o)),
        },
        defaultDir: () => app.getPath('downloads'),
        log,
      }),
      mainWebContents: () => (mainWindow && !mainWindow.isDestroyed() ? mainWindow.webContents : null),
      log,
    });

    Menu.setApplicationMenu(buildMenu());
    tray = createTray();
    stopNotifications = startNotifications({
      core: c,
      enabled: notificationsEnabled,
      show: ({ title, body, screen }) => {
        if (!Notification.isSupported()) return;
        const n = new Notification({ title, body, silent: false, ...(existsSync(ICON_PATH) ? { icon: ICON_PATH } : {}) });
        n.on('click', () => navigate(screen));
        n.show();
      },
      onLastPayment: (p) => {
        trayFacts.lastPayment = p;
        refreshTray();
      },
      onTunnel: (t) => {
        trayFacts.tunnel = t;
        refreshTray();
      },
      locale: app.getLocale() || 'en-US',
    });
    void c.call('tunnel.status', {}, { transport: 'internal' }).then((r) => {
      if (r.ok) {
        trayFacts.tunnel = r.value.status;
        refreshTray();
      }
    });
    showWindow();
  } catch (err) {
    fatal(err);
  }
}

function showWindow(): void {
  if (!app.isReady() || !core) return;
  if (!mainWindow || mainWindow.isDestroyed()) {
    mainWindow = createMainWindow({ preloadPath: PRELOAD_PATH, ...(existsSync(ICON_PATH) ? { iconPath: ICON_PATH } : {}) });
    mainWindow.on('close', (event) => {
      if (quitting || !tray) return;
      event.preventDefault();
      mainWindow?.hide();
    });
    mainWindow.on('closed', () => {
      mainWindow = null;
    });
    return;
  }
  if (mainWindow.isMinimized()) mainWindow.restore();
  mainWindow.show();
  mainWindow.focus();
}

const SCREENS = [
  ['overview', 'Overview'],
  ['payments', 'Payments'],
  ['new-link', 'New link'],
  ['refunds', 'Refunds'],
  ['reports', 'Reports'],
  ['webhooks', 'Webhooks'],
  ['settings', 'Settings'],
] as const;

/** The renderer routes on the hash (renderer/src/router.ts): a fragment-only load changes the screen in place. */
function navigate(screen: (typeof SCREENS)[number][0]): void {
  showWindow();
  void mainWindow?.webContents.loadURL(`${APP_ENTRY_URL}#/${screen}`);
}

function buildMenu(): Menu {
  const isMac = process.platform === 'darwin';
  const template: MenuItemConstructorOptions[] = [
    ...(isMac ? [{ role: 'appMenu' as const }] : []),
    {
      label: '&File',
      submenu: [
        { label: 'New payment link', accelerator: 'CmdOrCtrl+N', click: () => navigate('new-link') },
        { label: 'Export CSV…', accelerator: 'CmdOrCtrl+E', click: () => navigate('reports') },
        { type: 'separator' },
        { label: 'Notify me about payments', type: 'checkbox', checked: notificationsEnabled(), click: (item) => setNotificationsEnabled(item.checked) },
        { type: 'separator' },
        { label: 'Close window', accelerator: 'CmdOrCtrl+W', click: () => mainWindow?.close() },
        ...(isMac ? [] : [{ label: 'Quit Paydesk', accelerator: 'CmdOrCtrl+Q', click: () => app.quit() }]),
      ],
    },
    { role: 'editMenu' },
    {
      label: '&Go',
      submenu: SCREENS.map(([screen, label], i) => ({ label, accelerator: `CmdOrCtrl+${i + 1}`, click: () => navigate(screen) })),
    },
    {
      label: '&View',
      submenu: [
        { role: 'reload' },
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { type: 'separator' },
        { role: 'togglefullscreen' },
        ...(app.isPackaged ? [] : [{ role: 'toggleDevTools' as const }]),
      ],
    },
    { role: 'windowMenu' },
  ];
  return Menu.buildFromTemplate(template);
}

function createTray(): Tray | null {
  if (!existsSync(ICON_PATH)) return null;
  try {
    const image = nativeImage.createFromPath(ICON_PATH).resize({ width: 22, height: 22 });
    const t = new Tray(image);
    t.on('click', () => showWindow());
    tray = t;
    refreshTray();
    return t;
  } catch (err) {
    log('warn', 'no tray icon on this desktop: closing the window will quit', { error: String(err) });
    return null;
  }
}

/** Desktop notifications on or off: a settings row, default on. */
function notificationsEnabled(): boolean {
  return core?.deps?.repos.settings.get(NOTIFY_SETTING, z.boolean(), true) ?? true;
}

function setNotificationsEnabled(on: boolean): void {
  core?.deps?.repos.settings.set(NOTIFY_SETTING, on);
  Menu.setApplicationMenu(buildMenu());
  refreshTray();
}

/** The tray's tooltip and menu: the tunnel's state, the last payment, notifications on/off. */
function refreshTray(): void {
  if (!tray || tray.isDestroyed()) return;
  tray.setToolTip(trayTooltip(trayFacts.tunnel, trayFacts.lastPayment));
  tray.setContextMenu(
    Menu.buildFromTemplate([
      { label: 'Open Paydesk', click: () => showWindow() },
      { type: 'separator' },
      { label: tunnelMenuLabel(trayFacts.tunnel), click: () => navigate('webhooks') },
      { label: trayFacts.lastPayment ? `Last payment: ${trayFacts.lastPayment.text}` : 'No payment since Paydesk started', click: () => navigate('payments') },
      { type: 'separator' },
      { label: 'Notify me about payments', type: 'checkbox', checked: notificationsEnabled(), click: (item) => setNotificationsEnabled(item.checked) },
      { type: 'separator' },
      { label: 'Quit', click: () => app.quit() },
    ]),
  );
}

async function shutdown(): Promise<void> {
  stopNotifications?.();
  stopNotifications = null;
  disposeIpc?.();
  disposeIpc = null;
  const closing: Promise<unknown>[] = [];
  if (core) closing.push(core.close());
  if (sandbox) closing.push(sandbox.close());
  core = null;
  linkSources = null;
  sandbox = null;
  const results = await Promise.allSettled(closing);
  for (const r of results) if (r.status === 'rejected') log('error', 'shutdown step failed', { error: String(r.reason) });
  tray?.destroy();
  tray = null;
}

function fatal(err: unknown): void {
  const message = err instanceof Error ? err.message : String(err);
  log('error', 'Paydesk could not start', { error: err instanceof Error ? err.stack ?? message : message });
  dialog.showErrorBox('Paydesk could not start', message);
  app.exit(1);
}
