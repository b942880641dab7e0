import type { StateCreator } from 'zustand';
import type { ResponseOf } from '../../src-shared/ipc/index.js';
import type { Store } from './index.js';

export type AppInfo = ResponseOf<'readAppInfo'>;

/** Facts about the running app, shown in the header and on "About this build". */
export interface AppInfoSlice {
  readonly appInfo: AppInfo | null;
  readonly appInfoError: string | null;
  setAppInfo(info: AppInfo): void;
  setAppInfoError(message: string): void;
}

export const createAppInfoSlice: StateCreator<Store, [], [], AppInfoSlice> = (set) => ({
  appInfo: null,
  appInfoError: null,
  setAppInfo: (info) => set({ appInfo: info, appInfoError: null }),
  setAppInfoError: (message) => set({ appInfoError: message }),
});
