import { describe, expect, it } from 'vitest';
import { webPreferences, windowOptions } from '../../../src-main/app/window-options.js';

// The full, exact list: adding, removing or weakening any flag must be a deliberate test change.
const EXPECTED = {
  preload: '/app/out/preload/index.cjs',
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
  safeDialogs: true,
  spellcheck: false,
  plugins: false,
  enableWebSQL: false,
  webgl: false,
  devTools: false,
};

describe('BrowserWindow options', () => {
  it('are exactly the hardened set', () => {
    expect(webPreferences({ preload: EXPECTED.preload })).toEqual(EXPECTED);
  });

  it('enable DevTools only when asked with exactly true', () => {
    expect(webPreferences({ preload: 'p', devTools: true }).devTools).toBe(true);
    expect(webPreferences({ preload: 'p', devTools: 'yes' as never }).devTools).toBe(false);
  });

  it('never carry a flag that loosens isolation', () => {
    const prefs = windowOptions({ preload: 'p', devTools: true }).webPreferences ?? {};
    for (const flag of [
      'disableBlinkFeatures',
      'additionalArguments',
      'partition',
      'session',
      'zoomFactor',
    ] as const) {
      expect(prefs).not.toHaveProperty(flag);
    }
    expect(prefs.contextIsolation).toBe(true);
    expect(prefs.sandbox).toBe(true);
    expect(prefs.nodeIntegration).toBe(false);
    expect(prefs.webSecurity).toBe(true);
  });

  it('open hidden until ready, at a size that fits 1280x800', () => {
    const opts = windowOptions({ preload: 'p' });
    expect(opts.show).toBe(false);
    expect(opts.width).toBeLessThanOrEqual(1280);
    expect(opts.height).toBeLessThanOrEqual(800);
  });
});
