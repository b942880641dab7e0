import type { QtrustApi } from '../src-shared/ipc/index.js';

declare global {
  interface Window {
    /** The typed bridge built from src-shared/ipc by the preload script (or the test harness). */
    readonly qtrust: QtrustApi;
  }
}

export {};
