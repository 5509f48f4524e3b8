import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { memoryLog } from '../../../src/main/logging';
import {
  answerAppRequest,
  registerAppScheme,
  serveAppProtocol,
} from '../../../src/main/security/app-protocol';
import {
  CONTENT_SECURITY_POLICY,
  META_CONTENT_SECURITY_POLICY,
  securityHeaders,
} from '../../../src/main/security/csp';
import { guardEveryWebContents, guardSession, guardWebContents } from '../../../src/main/security/guards';
import { APP_ENTRY_URL, isTrustedAppUrl } from '../../../src/main/security/origin';
import { resolveStaticPath } from '../../../src/main/security/static-files';
import { isWindowed, kioskWindowOptions, secureWebPreferences } from '../../../src/main/security/window';
import { FakeEvent, FakeSession, FakeWebContents } from './fake-electron';

// The shell's security modules never need the real Electron; if anything imported it, the fake
// below would be used instead of the (missing) binary.
vi.mock('electron', () => ({ app: {}, protocol: {}, session: {} }));

const repoRoot = join(import.meta.dirname, '../../..');

describe('window options', () => {
  it('pins every webPreference of the baseline', () => {
    expect(secureWebPreferences('/app/preload.cjs', { devTools: false })).toEqual({
      preload: '/app/preload.cjs',
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
      devTools: false,
    });
  });

  it('is kiosk mode unless windowed, and never has devtools when packaged', () => {
    const kiosk = kioskWindowOptions({ preloadPath: '/p', windowed: false, packaged: true });
    expect(kiosk).toMatchObject({ kiosk: true, fullscreen: true, closable: false, alwaysOnTop: true });
    expect(kiosk.webPreferences?.devTools).toBe(false);
    const windowed = kioskWindowOptions({ preloadPath: '/p', windowed: true, packaged: false });
    expect(windowed).toMatchObject({ kiosk: false, fullscreen: false, closable: true });
    expect(windowed.webPreferences?.devTools).toBe(true);
    expect(windowed.webPreferences?.sandbox).toBe(true);
    expect(
      kioskWindowOptions({ preloadPath: '/p', windowed: true, packaged: true }).webPreferences?.devTools,
    ).toBe(false);
  });

  it('is windowed only for exactly KIOSK_WINDOWED=1', () => {
    expect(isWindowed({ KIOSK_WINDOWED: '1' })).toBe(true);
    for (const value of [undefined, '', '0', 'true', 'yes', ' 1']) {
      expect(isWindowed({ KIOSK_WINDOWED: value })).toBe(false);
    }
  });
});

describe('trusted URLs', () => {
  it.each([APP_ENTRY_URL, 'app://kiosk/', 'app://kiosk/assets/index.js'])('trusts %s', (url) =>
    expect(isTrustedAppUrl(url)).toBe(true),
  );
  it.each([
    'app://evil/index.html',
    'app://kiosk.evil.com/',
    'app://kiosk:8080/',
    'app://user:pw@kiosk/',
    'http://kiosk/',
    'https://app.kiosk/',
    'file:///app/index.html',
    'devtools://devtools/bundled/inspector.html',
    'javascript:alert(1)',
    'about:blank',
    'not a url',
    '',
    null,
    undefined,
  ])('does not trust %s', (url) => expect(isTrustedAppUrl(url)).toBe(false));
});

describe('Content-Security-Policy', () => {
  it('is the same policy as the meta tag in index.html, plus frame-ancestors', () => {
    const html = readFileSync(join(repoRoot, 'src/renderer/index.html'), 'utf8');
    const meta = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html)?.[1];
    expect(meta).toBe(META_CONTENT_SECURITY_POLICY);
    expect(CONTENT_SECURITY_POLICY).toBe(`${META_CONTENT_SECURITY_POLICY}; frame-ancestors 'none'`);
  });

  it('allows only its own scripts and nothing inline or eval', () => {
    expect(CONTENT_SECURITY_POLICY).toContain("script-src 'self';");
    expect(CONTENT_SECURITY_POLICY).toContain("object-src 'none'");
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-|\*|https?:/);
    expect(securityHeaders()).toMatchObject({
      'content-security-policy': CONTENT_SECURITY_POLICY,
      'x-content-type-options': 'nosniff',
      'x-frame-options': 'DENY',
    });
  });
});

describe('static files and the app:// protocol', () => {
  let root: string;
  let outside: string;
  beforeAll(() => {
    const base = mkdtempSync(join(tmpdir(), 'kiosk-static-'));
    root = join(base, 'renderer');
    outside = join(base, 'secret.txt');
    mkdirSync(join(root, 'assets'), { recursive: true });
    writeFileSync(join(root, 'index.html'), '<html><head></head><body>kiosk</body></html>');
    writeFileSync(join(root, 'assets', 'app.js'), 'console.log(1)');
    writeFileSync(join(root, '.env'), 'SECRET=1');
    writeFileSync(outside, 'secret');
    symlinkSync(outside, join(root, 'assets', 'link.txt'));
  });
  afterAll(() => rmSync(join(root, '..'), { recursive: true, force: true }));

  it('maps paths inside the folder', () => {
    expect(resolveStaticPath(root, '/')).toBe(join(root, 'index.html'));
    expect(resolveStaticPath(root, '/assets/app.js')).toBe(join(root, 'assets', 'app.js'));
    expect(resolveStaticPath(root, '/assets//app.js')).toBe(join(root, 'assets', 'app.js'));
  });

  it.each([
    '/../secret.txt',
    '/assets/../../secret.txt',
    '/%2e%2e/secret.txt',
    '/%2e%2e%2fsecret.txt',
    '/..%2f..%2fsecret.txt',
    '/..%5csecret.txt',
    '/assets\\..\\..\\secret.txt',
    '/index.html%00.js',
    '/%E0%A4%A',
    '/.env',
    '/C:/Windows/win.ini',
    '/assets/link.txt',
  ])('refuses %s', (path) => expect(resolveStaticPath(root, path)).toBeNull());

  it('registers app:// as a standard, secure scheme that does not bypass the CSP', () => {
    const protocol = { registerSchemesAsPrivileged: vi.fn() };
    registerAppScheme(protocol);
    expect(protocol.registerSchemesAsPrivileged).toHaveBeenCalledWith([
      {
        scheme: 'app',
        privileges: { standard: true, secure: true, supportFetchAPI: true, stream: false, bypassCSP: false },
      },
    ]);
  });

  it('serves files with the CSP header and the right type', async () => {
    const protocol = { handle: vi.fn() };
    serveAppProtocol(protocol as never, root);
    const handler = protocol.handle.mock.calls[0]?.[1] as (r: {
      method: string;
      url: string;
    }) => Promise<Response>;
    const response = await handler({ method: 'GET', url: 'app://kiosk/index.html' });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await response.text()).toContain('kiosk');
    const script = await answerAppRequest({ method: 'GET', url: 'app://kiosk/assets/app.js' }, root);
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
  });

  it.each([
    ['GET', 'app://kiosk/../secret.txt'],
    ['GET', 'app://kiosk/%2e%2e/secret.txt'],
    ['GET', 'app://kiosk/assets/%2e%2e%2f%2e%2e%2fsecret.txt'],
    ['GET', 'app://kiosk/assets/link.txt'],
    ['GET', 'app://other/index.html'],
    ['GET', 'app://kiosk/missing.js'],
  ])('answers 404 to %s %s', async (method, url) => {
    const response = await answerAppRequest({ method, url }, root);
    expect(response.status).toBe(404);
    expect(response.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
  });

  it('refuses methods other than GET and HEAD', async () => {
    expect((await answerAppRequest({ method: 'POST', url: 'app://kiosk/index.html' }, root)).status).toBe(
      405,
    );
  });
});

describe('web contents guards', () => {
  function guarded() {
    const contents = new FakeWebContents();
    const log = memoryLog();
    guardWebContents(contents as never, log);
    return { contents, log };
  }

  it('denies every navigation, even to our own origin', () => {
    const { contents, log } = guarded();
    for (const url of ['https://evil.example/', APP_ENTRY_URL, 'file:///etc/passwd']) {
      const event = new FakeEvent();
      contents.emit('will-navigate', event, url);
      expect(event.defaultPrevented).toBe(true);
    }
    expect(log.lines.filter((line) => line.event === 'navigation_denied')).toHaveLength(3);
  });

  it('denies frame navigations and redirects', () => {
    const { contents, log } = guarded();
    const frame = new FakeEvent({ url: 'https://evil.example/', isMainFrame: false });
    contents.emit('will-frame-navigate', frame);
    expect(frame.defaultPrevented).toBe(true);
    const redirect = new FakeEvent();
    contents.emit('will-redirect', redirect, 'https://evil.example/');
    expect(redirect.defaultPrevented).toBe(true);
    expect(log.lines.map((line) => line.event)).toEqual(['frame_navigation_denied', 'redirect_denied']);
  });

  it('denies new windows and webviews', () => {
    const { contents, log } = guarded();
    expect(contents.windowOpenHandler?.({ url: 'https://evil.example/' })).toEqual({ action: 'deny' });
    expect(contents.windowOpenHandler?.({ url: APP_ENTRY_URL })).toEqual({ action: 'deny' });
    const webview = new FakeEvent();
    contents.emit('will-attach-webview', webview, {}, { src: 'https://evil.example/' });
    expect(webview.defaultPrevented).toBe(true);
    expect(log.lines.map((line) => line.event)).toContain('webview_denied');
  });

  it('guards every web contents the app creates', () => {
    const app = new (class extends FakeWebContents {})();
    guardEveryWebContents(app as never, memoryLog());
    const contents = new FakeWebContents();
    app.emit('web-contents-created', {}, contents);
    const event = new FakeEvent();
    contents.emit('will-navigate', event, 'https://evil.example/');
    expect(event.defaultPrevented).toBe(true);
  });
});

describe('session guards', () => {
  function guarded() {
    const session = new FakeSession();
    const log = memoryLog();
    guardSession(session as never, log);
    return { session, log };
  }

  it('denies every permission request and check', () => {
    const { session, log } = guarded();
    for (const permission of [
      'media',
      'geolocation',
      'notifications',
      'clipboard-read',
      'openExternal',
      'hid',
    ]) {
      const callback = vi.fn();
      session.permissionRequest?.({}, permission, callback, {});
      expect(callback).toHaveBeenCalledWith(false);
      expect(session.permissionCheck?.({}, permission, 'app://kiosk', {})).toBe(false);
    }
    expect(session.devicePermission?.({ deviceType: 'usb' })).toBe(false);
    const streams = vi.fn();
    session.displayMedia?.({}, streams);
    expect(streams).toHaveBeenCalledWith(null);
    expect(log.lines.filter((line) => line.event === 'permission_denied')).toHaveLength(7);
  });

  it('denies downloads and device pickers', () => {
    const { session } = guarded();
    const download = new FakeEvent();
    session.emit('will-download', download, { getURL: () => 'https://evil.example/x.exe' });
    expect(download.defaultPrevented).toBe(true);
    const hid = new FakeEvent();
    const hidCallback = vi.fn();
    session.emit('select-hid-device', hid, {}, hidCallback);
    expect(hid.defaultPrevented && hidCallback.mock.calls[0]?.[0] === null).toBe(true);
    const serial = new FakeEvent();
    const serialCallback = vi.fn();
    session.emit('select-serial-port', serial, [], {}, serialCallback);
    expect(serialCallback).toHaveBeenCalledWith('');
    const usb = new FakeEvent();
    const usbCallback = vi.fn();
    session.emit('select-usb-device', usb, {}, usbCallback);
    expect(usb.defaultPrevented && usbCallback.mock.calls.length === 1).toBe(true);
  });

  it('lets the renderer load app:// only', () => {
    const { session } = guarded();
    const decide = (url: string) => {
      let cancel: boolean | undefined;
      session.beforeRequest?.({ url }, (result) => (cancel = result.cancel));
      return cancel;
    };
    expect(decide('app://kiosk/assets/app.js')).toBe(false);
    expect(decide('https://evil.example/beacon')).toBe(true);
    expect(decide('http://127.0.0.1:5190/api/v1/kiosk:status')).toBe(true);
    expect(decide('file:///etc/passwd')).toBe(true);
    expect(decide('app://other/x.js')).toBe(true);
  });
});
