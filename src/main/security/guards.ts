import type { App, Session, WebContents } from 'electron';
import type { Log } from '../logging';
import { isTrustedAppUrl } from './origin';

/**
 * The deny-everything handlers of the baseline: navigation, redirects, new windows, webviews,
 * permission and device requests, downloads, and any request leaving app://. Each takes the
 * Electron object it hardens as an argument, so tests hand in fakes and check every path.
 */

const short = (url: string | undefined) => (url ?? '').slice(0, 200);

/** Every web contents ever created (windows, devtools, anything) gets the guards. */
export function guardEveryWebContents(app: Pick<App, 'on'>, log: Log): void {
  app.on('web-contents-created', (_event, contents) => guardWebContents(contents, log));
}

export function guardWebContents(contents: WebContents, log: Log): void {
  contents.on('will-navigate', (event, url) => {
    event.preventDefault();
    log.warn('navigation_denied', { url: short(url) });
  });
  contents.on('will-frame-navigate', (event) => {
    // main loads the page with loadURL, which fires no will-* event; any navigation the page
    // starts, in any frame, is refused (the main frame's is logged by will-navigate above).
    event.preventDefault();
    if (!event.isMainFrame) log.warn('frame_navigation_denied', { url: short(event.url) });
  });
  contents.on('will-redirect', (event, url) => {
    event.preventDefault();
    log.warn('redirect_denied', { url: short(url) });
  });
  contents.on('will-attach-webview', (event, _webPreferences, params) => {
    event.preventDefault();
    log.warn('webview_denied', { url: short(params.src) });
  });
  contents.setWindowOpenHandler(({ url }) => {
    log.warn('window_open_denied', { url: short(url) });
    return { action: 'deny' };
  });
}

type PermissionRequestHandler = Parameters<Session['setPermissionRequestHandler']>[0];
type PermissionCheckHandler = Parameters<Session['setPermissionCheckHandler']>[0];
type DeviceHandler = Parameters<Session['setDevicePermissionHandler']>[0];

/** Permission, device, download and network guards for a session (the default one). */
export function guardSession(session: Session, log: Log): void {
  const request: PermissionRequestHandler = (_contents, permission, callback) => {
    log.warn('permission_denied', { permission });
    callback(false);
  };
  const check: PermissionCheckHandler = () => false;
  const device: DeviceHandler = () => false;
  session.setPermissionRequestHandler(request);
  session.setPermissionCheckHandler(check);
  session.setDevicePermissionHandler(device);
  session.setDisplayMediaRequestHandler((_request, callback) => {
    log.warn('permission_denied', { permission: 'display-capture' });
    callback(null);
  });
  session.on('will-download', (event, item) => {
    event.preventDefault();
    log.warn('download_denied', { url: short(item.getURL()) });
  });
  session.on('select-hid-device', (event, _details, callback) => {
    event.preventDefault();
    callback(null);
  });
  session.on('select-serial-port', (event, _ports, _contents, callback) => {
    event.preventDefault();
    callback('');
  });
  session.on('select-usb-device', (event, _details, callback) => {
    event.preventDefault();
    callback();
  });
  // Belt and braces beside the CSP: the renderer's session may load app:// and nothing else.
  session.webRequest.onBeforeRequest((details, callback) => {
    const allowed = isTrustedAppUrl(details.url) || details.url.startsWith('devtools://');
    if (!allowed) log.warn('request_denied', { url: short(details.url) });
    callback({ cancel: !allowed });
  });
}
