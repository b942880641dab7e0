/** Handlers of the Ceremonies and anchoring channels (ceremony-contract.ts, anchor-contract.ts), spread into HANDLERS. */
import type { Handlers } from './handlers.js';

type CeremonyChannel =
  | 'readCeremonyScripts'
  | 'readCeremony'
  | 'writeOpenCeremony'
  | 'readCeremonyToken'
  | 'writeCeremonyCheckIn'
  | 'writeCeremonyShare'
  | 'writeCeremonyStep'
  | 'readCeremonyTranscript'
  | 'writeExportCeremonyTranscript';

type AnchorChannel =
  'readAnchorSettings' | 'writeAnchorSettings' | 'readAnchorConnection' | 'readAnchorStatus';

export const CEREMONY_HANDLERS: Pick<Handlers, CeremonyChannel> = Object.freeze({
  readCeremonyScripts: (s) => s.ceremonies.scripts(),
  readCeremony: (s) => ({ ceremony: s.ceremonies.view() }),
  writeOpenCeremony: (s, request) => s.ceremonies.openScript(request.file),
  readCeremonyToken: (s, request) => s.ceremonies.token(request.token),
  writeCeremonyCheckIn: (s, request) => s.ceremonies.checkIn(request),
  writeCeremonyShare: (s, request) => s.ceremonies.presentShare(request),
  writeCeremonyStep: (s, request) => s.ceremonies.performStep(request),
  readCeremonyTranscript: (s) => s.ceremonies.transcript(),
  writeExportCeremonyTranscript: (s) => s.ceremonies.exportTranscript(),
});

export const ANCHOR_HANDLERS: Pick<Handlers, AnchorChannel> = Object.freeze({
  readAnchorSettings: (s) => s.anchors.read(),
  writeAnchorSettings: (s, request) => s.anchors.save(request),
  readAnchorConnection: (s, request) => s.anchors.testConnection(request),
  readAnchorStatus: (s, request) => s.anchors.status(request.log),
});
