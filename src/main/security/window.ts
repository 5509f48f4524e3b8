import type { BrowserWindowConstructorOptions, WebPreferences } from 'electron';

/**
 * Window options that must never be weakened: the renderer is untrusted web content that a member
 * of the public stands in front of all day. Returned fresh each call so nobody can mutate a shared
 * object; tests pin every field.
 */
export function secureWebPreferences(
  preloadPath: string,
  { devTools }: { devTools: boolean },
): WebPreferences {
  return {
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    experimentalFeatures: false,
    enableBlinkFeatures: '',
    navigateOnDragDrop: false,
    spellcheck: false,
    safeDialogs: true,
    autoplayPolicy: 'document-user-activation-required',
    disableDialogs: true,
    devTools,
  };
}

export interface KioskWindowSettings {
  preloadPath: string;
  /** KIOSK_WINDOWED=1: an ordinary window for development and support. */
  windowed: boolean;
  /** app.isPackaged: a packaged kiosk never opens devtools. */
  packaged: boolean;
}

export function kioskWindowOptions({
  preloadPath,
  windowed,
  packaged,
}: KioskWindowSettings): BrowserWindowConstructorOptions {
  return {
    width: 1024,
    height: 768,
    show: false,
    title: 'Loyalty check-in',
    backgroundColor: '#ffffff',
    autoHideMenuBar: true,
    kiosk: !windowed,
    fullscreen: !windowed,
    // In kiosk mode nothing may close, minimise or move the window; the OS-level lockdown (README)
    // takes care of the keyboard shortcuts Electron cannot see.
    closable: windowed,
    minimizable: windowed,
    movable: windowed,
    resizable: windowed,
    alwaysOnTop: !windowed,
    webPreferences: secureWebPreferences(preloadPath, { devTools: !packaged }),
  };
}

/** Whether the environment asks for a normal window: exactly KIOSK_WINDOWED=1. */
export function isWindowed(env: Record<string, string | undefined>): boolean {
  return env['KIOSK_WINDOWED'] === '1';
}
