/**
 * Entry bundled by esbuild into the browser harness's init script. It defines window.qtrust
 * with the same createClient the preload uses, over a Playwright binding instead of
 * ipcRenderer: the page gets the same API and no network path to the services.
 */
import { createClient } from '../../src-shared/ipc/client.js';

type Binding = (channel: string, request: unknown) => Promise<unknown>;

const host = window as unknown as { __qtrustInvoke?: Binding };

Object.defineProperty(window, 'qtrust', {
  value: createClient((channel, request) => {
    const invoke = host.__qtrustInvoke;
    if (typeof invoke !== 'function') return Promise.reject(new Error('bridge binding missing'));
    return invoke(channel, request);
  }),
  writable: false,
  configurable: false,
  enumerable: true,
});

// CSP violations are collected for the test to read; the listener runs before any page script.
const violations: string[] = [];
Object.defineProperty(window, '__qtrustCspViolations', {
  value: violations,
  writable: false,
  configurable: false,
});
document.addEventListener('securitypolicyviolation', (e) => {
  violations.push(`${e.violatedDirective} blocked ${e.blockedURI}`);
});
