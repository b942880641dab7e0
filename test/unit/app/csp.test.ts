import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CSP, CSP_DIRECTIVES, CSP_META, SECURITY_HEADERS, serializeCsp } from '../../../src-main/app/csp.js';

const EXPECTED: Record<string, string[]> = {
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
};

function parse(policy: string): Record<string, string[]> {
  return Object.fromEntries(
    policy
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .filter((parts) => parts[0] !== '')
      .map(([name, ...sources]) => [name, sources]),
  );
}

describe('Content-Security-Policy', () => {
  it('has exactly the expected directives and sources', () => {
    expect(CSP_DIRECTIVES).toEqual(EXPECTED);
    expect(parse(CSP)).toEqual(EXPECTED);
  });

  it('allows no inline code, no eval, no remote origin, no wildcard', () => {
    for (const sources of Object.values(parse(CSP))) {
      for (const source of sources) {
        expect(["'self'", "'none'", 'data:']).toContain(source);
      }
    }
    expect(CSP).not.toMatch(/unsafe|https?:|\*|blob:|wasm/);
  });

  it('only lets images use data:', () => {
    const withData = Object.entries(parse(CSP)).filter(([, s]) => s.includes('data:'));
    expect(withData.map(([name]) => name)).toEqual(['img-src']);
  });

  it('is the same in index.html, less the header-only frame-ancestors', () => {
    const html = readFileSync(new URL('../../../src-renderer/index.html', import.meta.url), 'utf8');
    const meta = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html);
    expect(meta?.[1]).toBe(CSP_META);
    const { 'frame-ancestors': _dropped, ...rest } = EXPECTED;
    expect(parse(CSP_META)).toEqual(rest);
  });

  it('index.html has no inline script or style', () => {
    const html = readFileSync(new URL('../../../src-renderer/index.html', import.meta.url), 'utf8');
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(html).not.toMatch(/<style|style="|\bon[a-z]+="/i);
  });

  it('ships with the other security headers', () => {
    expect(SECURITY_HEADERS['Content-Security-Policy']).toBe(CSP);
    expect(SECURITY_HEADERS['X-Content-Type-Options']).toBe('nosniff');
    expect(SECURITY_HEADERS['Referrer-Policy']).toBe('no-referrer');
  });

  it('serializes directives in order', () => {
    expect(serializeCsp({ a: ['x'], b: ['y', 'z'] })).toBe('a x; b y z');
  });
});
