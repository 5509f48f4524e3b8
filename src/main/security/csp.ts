/**
 * The renderer's Content-Security-Policy, sent as a response header by the app:// protocol and by
 * the browser host. src/renderer/index.html carries the same policy in a meta tag (a test keeps the
 * two equal); the header adds frame-ancestors, which a meta tag cannot set. Browsers enforce both,
 * so the stricter wins.
 */
export const CSP_DIRECTIVES: Readonly<Record<string, readonly string[]>> = Object.freeze({
  'default-src': ["'self'"],
  'script-src': ["'self'"],
  'style-src': ["'self'"],
  'img-src': ["'self'", 'data:'],
  'connect-src': ["'self'"],
  'object-src': ["'none'"],
  'base-uri': ["'none'"],
  'form-action': ["'none'"],
  'frame-src': ["'none'"],
});

/** Directives only a header can carry. */
const HEADER_ONLY: Readonly<Record<string, readonly string[]>> = { 'frame-ancestors': ["'none'"] };

function serialise(directives: Readonly<Record<string, readonly string[]>>): string {
  return Object.entries(directives)
    .map(([name, sources]) => `${name} ${sources.join(' ')}`)
    .join('; ');
}

/** The policy as the meta tag in index.html states it. */
export const META_CONTENT_SECURITY_POLICY = serialise(CSP_DIRECTIVES);
/** The policy as a response header. */
export const CONTENT_SECURITY_POLICY = serialise({ ...CSP_DIRECTIVES, ...HEADER_ONLY });

/** Headers every response that carries the renderer (or its files) gets, in both hosts. */
export function securityHeaders(): Record<string, string> {
  return {
    'content-security-policy': CONTENT_SECURITY_POLICY,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'cross-origin-opener-policy': 'same-origin',
    'cross-origin-resource-policy': 'same-origin',
    'x-frame-options': 'DENY',
    'permissions-policy': 'camera=(), microphone=(), geolocation=(), usb=(), serial=(), hid=(), payment=()',
    'cache-control': 'no-store',
  };
}
