import { realpathSync } from 'node:fs';
import { extname, isAbsolute, relative, resolve, sep } from 'node:path';

/**
 * Maps a request path to a file inside the built renderer folder, or null. Shared by the app://
 * protocol (Electron) and the browser host, so both refuse the same things: `..` in any spelling
 * (plain, percent-encoded, backslashes), NUL bytes, absolute or drive paths, dot-files, symbolic
 * links leading out of the folder, and anything that does not decode.
 */
export function resolveStaticPath(rootDir: string, pathname: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return null;
  }
  if (decoded.includes('\0') || decoded.includes('\\') || decoded.length > 1024) return null;
  const segments = decoded.split('/').filter((segment) => segment !== '');
  if (segments.some((segment) => segment === '..' || segment === '.' || segment.startsWith('.'))) return null;
  if (segments.some((segment) => /^[A-Za-z]:$/.test(segment) || segment.includes(':'))) return null;
  const relativePath = segments.length === 0 ? 'index.html' : segments.join('/');

  const root = resolve(rootDir);
  const file = resolve(root, relativePath);
  if (!isInside(root, file)) return null;
  // A symbolic link inside the folder must not lead outside it either.
  try {
    const realRoot = realpathSync(root);
    const realFile = realpathSync(file);
    if (!isInside(realRoot, realFile)) return null;
  } catch {
    // Missing file: the caller answers 404 when it cannot read it.
  }
  return file;
}

function isInside(root: string, file: string): boolean {
  const rel = relative(root, file);
  return rel !== '' && !rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel);
}

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.txt': 'text/plain; charset=utf-8',
};

/** The content type of a built file; unknown kinds are served as opaque bytes (with nosniff). */
export function contentTypeOf(file: string): string {
  return CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';
}
