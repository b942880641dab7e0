/** RFC 9162 Merkle trees: hashing, incremental roots, proofs. See docs/formats.md, "Merkle trees (RFC 9162)". */
export { amerkleHash, emptyRoot, leafHash, MERKLE_HASH_SIZE, nodeHash } from './hash.js';
export { CompactRange, rootFromLeafHashes } from './compact.js';
export { inclusionProof, MAX_PROOF_ELEMENTS, verifyInclusion } from './inclusion.js';
export { consistencyProof, verifyConsistency } from './consistency.js';
export { MemoryTree } from './memory.js';
export type { LeafHashReader, MerkleSource, NodeHashReader } from './source.js';
