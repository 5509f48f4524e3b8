import { join } from 'node:path';
import { app, BrowserWindow } from 'electron';

// Composition root of the kiosk's main process. For now it only opens the window safely; the
// app:// protocol, CSP, permission handlers and the IPC router come with the Electron-shell issue.

/** Window options that must never be weakened: the renderer is untrusted web content. */
export const secureWebPreferences = {
  preload: join(import.meta.dirname, '../preload/index.cjs'),
  contextIsolation: true,
  sandbox: true,
  nodeIntegration: false,
  webSecurity: true,
  webviewTag: false,
  spellcheck: false,
} as const;

function createWindow(): BrowserWindow {
  const window = new BrowserWindow({
    width: 1024,
    height: 768,
    show: false,
    title: 'Loyalty check-in',
    autoHideMenuBar: true,
    webPreferences: secureWebPreferences,
  });
  window.once('ready-to-show', () => window.show());
  // Deny every new window; navigation rules arrive with the security module.
  window.webContents.setWindowOpenHandler(() => ({ action: 'deny' }));

  const devServerUrl = process.env['ELECTRON_RENDERER_URL'];
  if (!app.isPackaged && devServerUrl) {
    void window.loadURL(devServerUrl);
  } else {
    void window.loadFile(join(import.meta.dirname, '../renderer/index.html'));
  }
  return window;
}

// One kiosk per till: a second launch focuses the first window instead of opening a second
// ledger writer on the same database.
if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => {
    const [window] = BrowserWindow.getAllWindows();
    if (window) {
      if (window.isMinimized()) window.restore();
      window.focus();
    }
  });

  app.enableSandbox();
  void app.whenReady().then(() => {
    createWindow();
    app.on('activate', () => {
      if (BrowserWindow.getAllWindows().length === 0) createWindow();
    });
  });

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
}
