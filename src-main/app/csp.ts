/**
 * The Content-Security-Policy of the app's pages, applied three ways: as a response header by
 * the app:// protocol handler, by session.webRequest.onHeadersReceived for anything else, and
 * as a <meta> in src-renderer/index.html (the one a browser sees even without our headers; the
 * test in test/unit/app checks the two agree). Only same-origin scripts, styles, images, and
 * fonts; no connections at all, no plugins, no framing, no inline code, no eval.
 * `frame-ancestors` has no effect in a <meta> (CSP3 §6.4.2) and is honoured from the header.
 */
export const CSP_DIRECTIVES: Readonly<Record<string, readonly string[]>> = Object.freeze({
  'default-src': ["'none'"],
  'script-src': ["'self'"],
  'style-src': ["'self'"],
  'img-src': ["'self'", 'data:'],
  'font-src': ["'self'"],
  'connect-src': ["'none'"],
  'base-uri': ["'none'"],
  'form-action': ["'none'"],
  'frame-ancestors': ["'none'"],
  'frame-src': ["'none'"],
  'worker-src': ["'none'"],
  'manifest-src': ["'none'"],
  'media-src': ["'none'"],
  'object-src': ["'none'"],
});

export function serializeCsp(directives: Readonly<Record<string, readonly string[]>>): string {
  return Object.entries(directives)
    .map(([name, sources]) => `${name} ${sources.join(' ')}`)
    .join('; ');
}

export const CSP = serializeCsp(CSP_DIRECTIVES);

/** Directives a <meta> CSP may carry (frame-ancestors, report-uri and sandbox are header-only). */
export const CSP_META = serializeCsp(
  Object.fromEntries(Object.entries(CSP_DIRECTIVES).filter(([name]) => name !== 'frame-ancestors')),
);

/** Extra response headers served with every app page. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'Content-Security-Policy': CSP,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), usb=(), serial=(), hid=()',
});
