/**
 * The log's Merkle tree as the store keeps it: leaf hashes in `records.leaf`, perfect subtree
 * hashes at every NODE_STRIDE-th level in `nodes`, and an O(log n) right edge ("compact range") in
 * memory for appends and roots (RFC 9162 §2.1.1).
 *
 * Storing every fourth level costs about one row per 15 leaves; any other perfect node is
 * recomputed from the stored level below it (at most 2^4 - 1 hashes), so a proof is O(log n)
 * reads and at most about 15 log n hashes, whatever the size of the log.
 */
import type Database from 'better-sqlite3';
import { QtError } from '../../src-shared/errors.js';
import type { HashPrimitives } from '../../src-shared/hash.js';
import { emptyRoot, hashChildren } from '../../src-shared/merkle/hash.js';
import type { NodeHashReader } from '../../src-shared/merkle/source.js';

export const NODE_STRIDE = 4;

// One scratch buffer for the 65-byte node-hash inputs of appends (RFC 9162 §2.1.1:
// 0x01 || left || right): the digest functions are synchronous and keep no reference to their
// input, so reusing it saves an allocation per node without sharing any state between calls.
const nodeInput = new Uint8Array(65);
nodeInput[0] = 0x01;

function appendNodeHash(left: Uint8Array, right: Uint8Array, hashes: HashPrimitives): Uint8Array {
  nodeInput.set(left, 1);
  nodeInput.set(right, 33);
  return hashes.sha256(nodeInput);
}

/** A perfect subtree hash completed by an append, to be stored when its level is a stride level. */
export interface CompletedNode {
  readonly level: number;
  readonly index: number;
  readonly hash: Uint8Array;
}

/** The right edge of the tree: perfect subtree roots, largest first (one per set bit of size). */
export class TreeEdge {
  readonly #hashes: HashPrimitives;
  readonly #roots: Uint8Array[];
  #size: number;

  constructor(hashes: HashPrimitives, size = 0, roots: Uint8Array[] = []) {
    this.#hashes = hashes;
    this.#size = size;
    this.#roots = roots;
  }

  get size(): number {
    return this.#size;
  }

  /** Appends a leaf hash; `onNode` receives every completed node whose level is a stride level. */
  append(leaf: Uint8Array, onNode: (node: CompletedNode) => void): void {
    let h = leaf;
    let level = 0;
    let index = this.#size;
    // Each trailing 1 bit of the index is a left sibling waiting on the edge: merge with it.
    while (index % 2 === 1) {
      h = appendNodeHash(this.#roots.pop() as Uint8Array, h, this.#hashes);
      level++;
      index = (index - 1) / 2;
      if (level % NODE_STRIDE === 0) onNode({ level, index, hash: h });
    }
    this.#roots.push(h);
    this.#size++;
  }

  /** MTH of the current tree. */
  root(): Uint8Array {
    const n = this.#roots.length;
    if (n === 0) return emptyRoot(this.#hashes);
    let h = this.#roots[n - 1] as Uint8Array;
    for (let j = n - 2; j >= 0; j--) h = hashChildren(this.#roots[j] as Uint8Array, h, this.#hashes);
    return h;
  }

  /** A copy that can advance without touching this one. */
  clone(): TreeEdge {
    return new TreeEdge(this.#hashes, this.#size, [...this.#roots]);
  }
}

/**
 * Reads perfect subtree hashes of one log from the database (NodeHashReader for the merkle
 * module's proof code). `size` bounds what may be read: only nodes complete within it exist.
 */
export class StoredNodes implements NodeHashReader {
  readonly #hashes: HashPrimitives;
  readonly #leaves: Database.Statement<[number, number, number], { leaf: Uint8Array }>;
  readonly #nodes: Database.Statement<[number, number, number, number], { hash: Uint8Array }>;
  readonly #log: number;

  constructor(db: Database.Database, log: number, hashes: HashPrimitives) {
    this.#hashes = hashes;
    this.#log = log;
    this.#leaves = db.prepare('SELECT leaf FROM records WHERE log = ? AND seq >= ? AND seq < ? ORDER BY seq');
    this.#nodes = db.prepare(
      'SELECT hash FROM nodes WHERE log = ? AND level = ? AND idx >= ? AND idx < ? ORDER BY idx',
    );
  }

  /** Hashes of `count` consecutive nodes of a stored level (0 = leaves), starting at `index`. */
  #stored(level: number, index: number, count: number): Uint8Array[] {
    const rows =
      level === 0
        ? this.#leaves.all(this.#log, index, index + count)
        : this.#nodes.all(this.#log, level, index, index + count);
    if (rows.length !== count) {
      throw new QtError(
        'QT_STORE_TAMPERED',
        `Merkle level ${level} is missing nodes in [${index}, ${index + count}): the database was edited`,
        { path: `nodes(${level}, ${index})` },
      );
    }
    return rows.map((r) =>
      level === 0 ? (r as { leaf: Uint8Array }).leaf : (r as { hash: Uint8Array }).hash,
    );
  }

  getNodeHash(level: number, index: number): Uint8Array {
    const base = level - (level % NODE_STRIDE);
    const width = 2 ** (level - base);
    let layer = this.#stored(base, index * width, width);
    while (layer.length > 1) {
      const next: Uint8Array[] = [];
      for (let i = 0; i < layer.length; i += 2) {
        next.push(hashChildren(layer[i] as Uint8Array, layer[i + 1] as Uint8Array, this.#hashes));
      }
      layer = next;
    }
    return Uint8Array.from(layer[0] as Uint8Array);
  }

  /** The right edge of the tree of `size` leaves, read from storage (O(log n) node reads). */
  edge(size: number): TreeEdge {
    const roots: Uint8Array[] = [];
    let start = 0;
    for (let level = 52; level >= 0; level--) {
      const width = 2 ** level;
      if (size - start >= width) {
        roots.push(this.getNodeHash(level, start / width));
        start += width;
      }
    }
    return new TreeEdge(this.#hashes, size, roots);
  }
}
