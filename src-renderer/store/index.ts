/** One store, one slice per feature (zustand's slices pattern). */
import { create } from 'zustand';
import { createAppInfoSlice, type AppInfoSlice } from './app-info-slice.js';
import { createNavSlice, type NavSlice } from './nav-slice.js';
import { createSuitesSlice, type SuitesSlice } from './suites-slice.js';

export type Store = NavSlice & AppInfoSlice & SuitesSlice;

export const useStore = create<Store>()((...a) => ({
  ...createNavSlice(...a),
  ...createAppInfoSlice(...a),
  ...createSuitesSlice(...a),
}));
