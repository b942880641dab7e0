/** Signed checkpoints (C2SP tlog-checkpoint + signed-note). See docs/formats.md, "Checkpoints". */
export { checkCheckpointBody, formatCheckpoint, parseCheckpointBody, type CheckpointBody } from './body.js';
export {
  checkpointHash,
  parseCheckpoint,
  signCheckpoint,
  verifyCheckpoint,
  type CheckpointKey,
  type CheckpointSigner,
  type ParsedCheckpoint,
  type VerifiedCheckpoint,
  type VerifyCheckpointOptions,
} from './checkpoint.js';
export {
  EM_DASH,
  MAX_NOTE_LENGTH,
  MAX_SIGNATURE_LINES,
  noteKeyHash,
  parseSignedNote,
  signatureType,
  type NoteSignature,
  type SignedNote,
} from './note.js';
export { artc3339Utc, isRfc3339Utc } from './time.js';
