/** One store, one slice per feature (zustand's slices pattern). */
import { create } from 'zustand';
import { createAnchorSlice, type AnchorSlice } from './anchor-slice.js';
import { createAppInfoSlice, type AppInfoSlice } from './app-info-slice.js';
import { createCeremonySlice, type CeremonySlice } from './ceremony-slice.js';
import { createEvidenceSlice, type EvidenceSlice } from './evidence-slice.js';
import { createNavSlice, type NavSlice } from './nav-slice.js';
import { createPoliciesSlice, type PoliciesSlice } from './policies-slice.js';
import { createSuitesSlice, type SuitesSlice } from './suites-slice.js';
import { createVerifySlice, type VerifySlice } from './verify-slice.js';

export type Store = NavSlice &
  AppInfoSlice &
  SuitesSlice &
  PoliciesSlice &
  EvidenceSlice &
  VerifySlice &
  CeremonySlice &
  AnchorSlice;

export const useStore = create<Store>()((...a) => ({
  ...createNavSlice(...a),
  ...createAppInfoSlice(...a),
  ...createSuitesSlice(...a),
  ...createPoliciesSlice(...a),
  ...createEvidenceSlice(...a),
  ...createVerifySlice(...a),
  ...createCeremonySlice(...a),
  ...createAnchorSlice(...a),
}));
