/** The auditor's verifier: trust roots, stages and the streaming pipeline (docs/verify.md). */
export * from './report.js';
export * from './trust.js';
export { checkEmbedded, findEnvelopes, KINDS_WITH_ENVELOPES, type EmbeddedProblem } from './embedded.js';
export {
  checkRecordLine,
  isAbout,
  type CheckedRecord,
  type LineContext,
  type LineResult,
} from './record-line.js';
export { CheckpointChain, type AcceptedCheckpoint, type CheckpointChainOptions } from './checkpoints.js';
export { RecordSequencer, type RecordSequencerOptions } from './records.js';
export {
  inThreadChecker,
  verifyBundle,
  type AnchorChecker,
  type BundleInput,
  type LineChecker,
  type VerifyBundleOptions,
} from './pipeline.js';
