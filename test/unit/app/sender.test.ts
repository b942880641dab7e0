import { describe, expect, it } from 'vitest';
import { isAppUrl, isTrustedSender, type SenderFacts } from '../../../src-main/app/sender.js';

const ours = new Set([7]);
const good: SenderFacts = { webContentsId: 7, frameUrl: 'app://qtrust/index.html', isMainFrame: true };

describe('isTrustedSender', () => {
  it('accepts the main frame of our window on the app origin', () => {
    expect(isTrustedSender(good, ours)).toBe(true);
    expect(isTrustedSender({ ...good, frameUrl: 'app://qtrust/' }, ours)).toBe(true);
  });

  it.each<[string, Partial<SenderFacts>]>([
    ['another webContents', { webContentsId: 8 }],
    ['a non-integer id', { webContentsId: 7.5 }],
    ['a subframe', { isMainFrame: false }],
    ['a destroyed frame', { frameUrl: null }],
    ['a file:// page', { frameUrl: 'file:///app/out/renderer/index.html' }],
    ['a remote page', { frameUrl: 'https://qtrust/index.html' }],
    ['another app host', { frameUrl: 'app://evil/index.html' }],
    ['a look-alike host', { frameUrl: 'app://qtrust.evil/index.html' }],
    ['credentials in the URL', { frameUrl: 'app://user:pw@qtrust/index.html' }],
    ['a port', { frameUrl: 'app://qtrust:8080/index.html' }],
    ['about:blank', { frameUrl: 'about:blank' }],
    ['a data: URL', { frameUrl: 'data:text/html,hi' }],
    ['devtools', { frameUrl: 'devtools://devtools/bundled/inspector.html' }],
    ['garbage', { frameUrl: 'not a url' }],
  ])('refuses %s', (_what, change) => {
    expect(isTrustedSender({ ...good, ...change }, ours)).toBe(false);
  });

  it('refuses everyone when we have no window', () => {
    expect(isTrustedSender(good, new Set())).toBe(false);
  });

  it('refuses truthy look-alikes for the main-frame flag', () => {
    expect(isTrustedSender({ ...good, isMainFrame: 1 as never }, ours)).toBe(false);
  });
});

describe('isAppUrl', () => {
  it('accepts the canonical form Chromium reports, and fails closed on anything else', () => {
    expect(isAppUrl('app://qtrust/index.html')).toBe(true);
    expect(isAppUrl('app://QTRUST/index.html')).toBe(false);
    expect(isAppUrl('')).toBe(false);
  });
});
