/** Handlers of the Evidence and Verify channels (src-shared/ipc/evidence-contract.ts), spread into HANDLERS. */
import type { Handlers } from './handlers.js';

type EvidenceChannel =
  | 'readEvidenceHead'
  | 'readEvidenceRecords'
  | 'readEvidenceRecord'
  | 'writeChooseBundle'
  | 'writeChooseTrust'
  | 'writeStartVerify'
  | 'readVerifyJob';

export const EVIDENCE_HANDLERS: Pick<Handlers, EvidenceChannel> = Object.freeze({
  readEvidenceHead: (s) => s.evidence.head(),
  readEvidenceRecords: (s, request) => s.evidence.page(request),
  readEvidenceRecord: (s, request) => s.evidence.detail(request.log, request.seq),
  writeChooseBundle: (s) => s.verify.chooseBundle(),
  writeChooseTrust: (s) => s.verify.chooseTrust(),
  writeStartVerify: (s, request) => s.verify.start(request),
  readVerifyJob: (s, request) => s.verify.status(request),
});
