/**
 * The app:// protocol: the app's pages are served from `app://qtrust/` out of the built
 * renderer folder, never from file:// (which would give the page the whole file system as its
 * origin) and never from a remote URL. This module maps a request URL to a file inside the
 * renderer root or refuses it; main.ts reads the file and adds the security headers.
 */
import { extname, isAbsolute, join, relative, resolve, sep } from 'node:path';

export const APP_SCHEME = 'app';
export const APP_HOST = 'qtrust';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

const CONTENT_TYPES: Readonly<Record<string, string>> = Object.freeze({
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
});

/** The content type for a served file, or null when that kind of file is not served at all. */
export function contentTypeFor(file: string): string | null {
  return CONTENT_TYPES[extname(file).toLowerCase()] ?? null;
}

/**
 * Maps `app://qtrust/<path>` to an absolute file under `root`, or null. Refuses other schemes
 * and hosts, credentials and ports, percent-encoded separators, NUL, dot segments and any path
 * that would resolve outside `root`; `/` means `/index.html`.
 */
export function resolveAppFile(root: string, requestUrl: string): string | null {
  if (!isAbsolute(root)) return null;
  let url: URL;
  try {
    url = new URL(requestUrl);
  } catch {
    return null;
  }
  if (url.protocol !== `${APP_SCHEME}:` || url.hostname !== APP_HOST || url.port !== '') return null;
  if (url.username !== '' || url.password !== '') return null;
  const rawPath = url.pathname;
  if (/%2f|%5c|%00/i.test(rawPath)) return null;
  let path: string;
  try {
    path = decodeURIComponent(rawPath);
  } catch {
    return null;
  }
  if (path.includes('\0') || path.includes('\\')) return null;
  const segments = path.split('/').filter((s) => s !== '');
  if (segments.some((s) => s === '.' || s === '..')) return null;
  if (segments.length === 0) segments.push('index.html');
  const base = resolve(root);
  const file = resolve(join(base, ...segments));
  const rel = relative(base, file);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel) || rel.split(sep).includes('..')) return null;
  if (contentTypeFor(file) === null) return null;
  return file;
}
