import { readFile } from 'node:fs/promises';
import type { Protocol } from 'electron';
import { securityHeaders } from './csp';
import { APP_HOST, APP_SCHEME } from './origin';
import { contentTypeOf, resolveStaticPath } from './static-files';

/**
 * The app:// protocol the renderer is loaded from. A standard, secure scheme gives the page a
 * real origin (app://kiosk), so 'self' in the CSP and the IPC sender check mean something, and
 * ES modules load (they do not from file://).
 */

/** Must run before app 'ready'. */
export function registerAppScheme(protocol: Pick<Protocol, 'registerSchemesAsPrivileged'>): void {
  protocol.registerSchemesAsPrivileged([
    {
      scheme: APP_SCHEME,
      privileges: { standard: true, secure: true, supportFetchAPI: true, stream: false, bypassCSP: false },
    },
  ]);
}

/** Answers one app:// request from the built renderer folder: GET only, our host only, no escape. */
export async function answerAppRequest(
  request: { method: string; url: string },
  rendererDir: string,
): Promise<Response> {
  const headers = securityHeaders();
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    return new Response(null, { status: 405, headers });
  }
  let url: URL;
  try {
    url = new URL(request.url);
  } catch {
    return new Response(null, { status: 400, headers });
  }
  if (url.protocol !== `${APP_SCHEME}:` || url.hostname !== APP_HOST || url.port !== '') {
    return new Response(null, { status: 404, headers });
  }
  const file = resolveStaticPath(rendererDir, url.pathname);
  if (file === null) return new Response(null, { status: 404, headers });
  try {
    const body = await readFile(file);
    return new Response(request.method === 'HEAD' ? null : body, {
      status: 200,
      headers: { ...headers, 'content-type': contentTypeOf(file) },
    });
  } catch {
    return new Response(null, { status: 404, headers });
  }
}

/** Must run after app 'ready', on the session the window uses (the default one). */
export function serveAppProtocol(protocol: Pick<Protocol, 'handle'>, rendererDir: string): void {
  protocol.handle(APP_SCHEME, (request) => answerAppRequest(request, rendererDir));
}
