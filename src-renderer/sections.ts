/** The app's sections, in sidebar order, with the empty state each shows until it is built. */
export type SectionId =
  'approvals' | 'ceremonies' | 'evidence' | 'verify' | 'policies' | 'sync' | 'settings' | 'about';

export interface Section {
  readonly id: SectionId;
  readonly label: string;
  readonly title: string;
  /** What this section will hold: shown as its empty state. */
  readonly empty: string;
}

export const SECTIONS: readonly Section[] = Object.freeze([
  {
    id: 'approvals',
    label: 'Approvals',
    title: 'No approval requests waiting',
    empty:
      'Requests that need your approval will appear here, rendered exactly as they will be signed, with the quorum each one still needs.',
  },
  {
    id: 'ceremonies',
    label: 'Ceremonies',
    title: 'No key ceremonies',
    empty:
      "HSM key ceremonies (token set-up, key generation, backup, rotation, M-of-N PIN custody) are run here step by step. Put a ceremony script (YAML or JSON) in this tenant's scripts folder to begin.",
  },
  {
    id: 'evidence',
    label: 'Evidence',
    title: 'No evidence recorded yet',
    empty:
      "This tenant's hash-chained evidence log will be browsable here: every decision, approval and grant, with its signed checkpoints and anchors.",
  },
  {
    id: 'verify',
    label: 'Verify',
    title: 'Nothing to verify yet',
    empty:
      'Open an evidence bundle to verify it offline against pinned trust roots. The report will name the first failure of each kind.',
  },
  {
    id: 'policies',
    label: 'Policies',
    title: 'No policy loaded',
    empty:
      'No policy is active for this tenant, so every request is denied. Load one in two steps: trust the keys that sign policies, then choose a policy envelope signed by them.',
  },
  {
    id: 'sync',
    label: 'Sync',
    title: 'Sync is not configured',
    empty:
      'No plane and no chain RPC are configured, so nothing leaves this machine. Endpoints and the sync status will appear here once set.',
  },
  {
    id: 'settings',
    label: 'Settings',
    title: 'Anchoring is not configured',
    empty:
      "This tenant's checkpoints are not anchored on a chain. Enter the chain RPC, chain id and anchor contract below, test the connection, then save.",
  },
  {
    id: 'about',
    label: 'About this build',
    title: 'About this build',
    empty: '',
  },
]);

export function sectionById(id: SectionId): Section {
  const found = SECTIONS.find((s) => s.id === id);
  if (found === undefined) throw new Error(`unknown section ${id}`);
  return found;
}
