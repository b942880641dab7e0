/** One store, one slice per feature (zustand's slices pattern). */
import { create } from 'zustand';
import { createAppInfoSlice, type AppInfoSlice } from './app-info-slice.js';
import { createEvidenceSlice, type EvidenceSlice } from './evidence-slice.js';
import { createNavSlice, type NavSlice } from './nav-slice.js';
import { createPoliciesSlice, type PoliciesSlice } from './policies-slice.js';
import { createSuitesSlice, type SuitesSlice } from './suites-slice.js';
import { createVerifySlice, type VerifySlice } from './verify-slice.js';

export type Store = NavSlice & AppInfoSlice & SuitesSlice & PoliciesSlice & EvidenceSlice & VerifySlice;

export const useStore = create<Store>()((...a) => ({
  ...createNavSlice(...a),
  ...createAppInfoSlice(...a),
  ...createSuitesSlice(...a),
  ...createPoliciesSlice(...a),
  ...createEvidenceSlice(...a),
  ...createVerifySlice(...a),
}));
