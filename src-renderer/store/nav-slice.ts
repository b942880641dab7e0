import type { StateCreator } from 'zustand';
import type { SectionId } from '../sections.js';
import type { Store } from './index.js';

export interface NavSlice {
  readonly section: SectionId;
  showSection(id: SectionId): void;
}

export const createNavSlice: StateCreator<Store, [], [], NavSlice> = (set) => ({
  section: 'approvals',
  showSection: (id) => set({ section: id }),
});
