import { describe, expect, it } from 'vitest';
import { contentTypeFor, resolveAppFile } from '../../../src-main/app/app-protocol.js';

const root = '/srv/app/out/renderer';

describe('resolveAppFile', () => {
  it.each([
    ['app://qtrust/index.html', '/srv/app/out/renderer/index.html'],
    ['app://qtrust/', '/srv/app/out/renderer/index.html'],
    ['app://qtrust', '/srv/app/out/renderer/index.html'],
    ['app://qtrust/assets/index-abc.js', '/srv/app/out/renderer/assets/index-abc.js'],
    ['app://qtrust/assets/index-abc.css?v=1#x', '/srv/app/out/renderer/assets/index-abc.css'],
    ['app://qtrust/assets//a.js', '/srv/app/out/renderer/assets/a.js'],
  ])('maps %s inside the root', (url, file) => {
    expect(resolveAppFile(root, url)).toBe(file);
  });

  it.each([
    'app://qtrust/assets/%2e%2e%2f%2e%2e%2fx.js',
    'app://qtrust/..%2fx.js',
    'app://qtrust/..%5cx.js',
    'app://qtrust/a%00.js',
    'app://qtrust/%E0%A4%A.js',
    'app://qtrust/a\\..\\..\\x.js',
    'app://evil/index.html',
    'app://qtrust:1/index.html',
    'app://u:p@qtrust/index.html',
    'file:///srv/app/out/renderer/index.html',
    'https://qtrust/index.html',
    'app://qtrust/secret.key',
    'app://qtrust/assets/',
    'not a url',
  ])('refuses %s', (url) => {
    expect(resolveAppFile(root, url)).toBeNull();
  });

  // The URL parser already folds dot segments (WHATWG URL, path state); what is left must stay in root.
  it.each([
    'app://qtrust/../../etc/x.js',
    'app://qtrust/%2e%2e/%2e%2e/etc/x.js',
    'app://qtrust/a/./../../x.js',
  ])('keeps %s inside the root', (url) => {
    const file = resolveAppFile(root, url);
    expect(file === null || file.startsWith(root + '/')).toBe(true);
  });

  it('refuses a relative root', () => {
    expect(resolveAppFile('out/renderer', 'app://qtrust/index.html')).toBeNull();
  });
});

describe('contentTypeFor', () => {
  it('knows the built file types and nothing else', () => {
    expect(contentTypeFor('a.js')).toBe('text/javascript; charset=utf-8');
    expect(contentTypeFor('A.HTML')).toBe('text/html; charset=utf-8');
    expect(contentTypeFor('a.svg')).toBe('image/svg+xml');
    expect(contentTypeFor('a.sqlite')).toBeNull();
    expect(contentTypeFor('Makefile')).toBeNull();
  });
});
