/**
 * An in-memory Merkle tree that keeps every perfect subtree hash (all levels), so that any
 * inclusion or consistency proof is O(log n) reads and at most one short recomputation. Levels
 * are flat byte buffers (32 bytes per node) that grow by doubling: about 64 bytes per leaf in all.
 *
 * It implements NodeHashReader, the interface a SQLite-backed log also implements, so the generic
 * proof functions accept it; its own inclusionProof walks the level buffers directly (the hot path
 * when serving every proof of a large tree) and caches the right-border hashes of its current size,
 * which every proof of the latest tree shares.
 */
import { aint } from '../bytes.js';
import { QtError } from '../errors.js';
import { nobleHashes, type HashPrimitives } from '../hash.js';
import { consistencyProof } from './consistency.js';
import { amerkleHash, emptyRoot, MERKLE_HASH_SIZE as H } from './hash.js';
import { aleafIndex } from './inclusion.js';
import { floorPow2, log2, type LeafRange } from './ranges.js';
import { rangeHash, type NodeHashReader } from './source.js';

export class MemoryTree implements NodeHashReader {
  readonly #hashes: HashPrimitives;
  /** #levels[k] holds the complete nodes of level k, #counts[k] of them. */
  readonly #levels: Uint8Array[] = [new Uint8Array(64 * H)];
  readonly #counts: number[] = [0];
  /** MTH(D[start:size]) for right-border ranges of the current size, keyed by start. */
  readonly #border = new Map<number, Uint8Array>();
  readonly #read = (level: number, index: number): Uint8Array => this.#node(level, index);
  /** Reused input of node hashes: 0x01 || left || right (RFC 9162 §2.1.1). */
  readonly #scratch = new Uint8Array(1 + 2 * H).fill(1, 0, 1);

  constructor(hashes: HashPrimitives = nobleHashes) {
    this.#hashes = hashes;
  }

  /** A tree of the given leaf hashes (each 32 bytes), in order. */
  static fromLeafHashes(leafHashes: readonly Uint8Array[], hashes: HashPrimitives = nobleHashes): MemoryTree {
    if (!Array.isArray(leafHashes)) {
      throw new QtError('QT_TYPE', 'leafHashes must be an array of 32-byte hashes', { path: 'leafHashes' });
    }
    const tree = new MemoryTree(hashes);
    leafHashes.forEach((h, i) => tree.#append(amerkleHash(h, `leafHashes[${i}]`)));
    return tree;
  }

  get size(): number {
    return this.#counts[0] as number;
  }

  /** Appends a leaf hash; returns its index. */
  append(leafHash: Uint8Array): number {
    return this.#append(amerkleHash(leafHash, 'leafHash'));
  }

  #append(leafHash: Uint8Array): number {
    const index = this.size;
    this.#border.clear();
    this.#put(0, leafHash);
    // Complete every ancestor that this leaf finishes: one per trailing 1 bit of index.
    // The two children are adjacent in their level's buffer, so one copy fills the node-hash input.
    for (let level = 0, i = index; i % 2 === 1; level++, i = (i - 1) / 2) {
      const off = (i - 1) * H;
      this.#scratch.set((this.#levels[level] as Uint8Array).subarray(off, off + 2 * H), 1);
      this.#put(level + 1, this.#hashes.sha256(this.#scratch));
    }
    return index;
  }

  #put(level: number, hash: Uint8Array): void {
    if (level === this.#levels.length) {
      this.#levels.push(new Uint8Array(64 * H));
      this.#counts.push(0);
    }
    let buf = this.#levels[level] as Uint8Array;
    const count = this.#counts[level] as number;
    if ((count + 1) * H > buf.length) {
      const grown = new Uint8Array(buf.length * 2);
      grown.set(buf);
      buf = grown;
      this.#levels[level] = grown;
    }
    buf.set(hash, count * H);
    this.#counts[level] = count + 1;
  }

  /** A view of a stored node; callers copy before handing it out. */
  #node(level: number, index: number): Uint8Array {
    return (this.#levels[level] as Uint8Array).subarray(index * H, index * H + H);
  }

  /** The hash of the perfect subtree at (level, index), which must be complete (QT_MERKLE_INDEX otherwise). */
  getNodeHash(level: number, index: number): Uint8Array {
    aint(level, 'level', 0, 63);
    aint(index, 'index');
    if (level >= this.#levels.length || index >= (this.#counts[level] as number)) {
      throw new QtError(
        'QT_MERKLE_INDEX',
        `node (${level}, ${index}) is not a complete subtree of this tree`,
        {
          path: 'index',
        },
      );
    }
    return this.#node(level, index).slice();
  }

  getLeafHash(index: number): Uint8Array {
    return this.getNodeHash(0, index);
  }

  #range(r: LeafRange): Uint8Array {
    const width = r.end - r.start;
    if (floorPow2(width) === width) return this.#node(log2(width), r.start / width);
    if (r.end !== this.size) return rangeHash(this.#read, r, this.#hashes);
    let h = this.#border.get(r.start);
    if (h === undefined) {
      h = rangeHash(this.#read, r, this.#hashes).slice();
      this.#border.set(r.start, h);
    }
    return h;
  }

  #asize(treeSize: number, name: string): void {
    aint(treeSize, name);
    if (treeSize > this.size) {
      throw new QtError('QT_MERKLE_SIZE', `${name} ${treeSize} exceeds the tree size ${this.size}`, {
        path: name,
      });
    }
  }

  /** MTH(D[0:treeSize]) for any treeSize up to the current size (default: the current size). */
  root(treeSize: number = this.size): Uint8Array {
    this.#asize(treeSize, 'treeSize');
    if (treeSize === 0) return emptyRoot(this.#hashes);
    return this.#range({ start: 0, end: treeSize }).slice();
  }

  /** RFC 9162 §2.1.3.1 inclusion proof of leaf `index` in the tree of `treeSize` leaves. */
  inclusionProof(index: number, treeSize: number = this.size): Uint8Array[] {
    aleafIndex(index, treeSize);
    this.#asize(treeSize, 'treeSize');
    // PATH(index, D[0:treeSize]) of RFC 9162 §2.1.3.1 walked bottom-up over the stored levels
    // (the same list as inclusionRanges, which the tests check at every size up to 64): at each
    // level the sibling of the path node is a stored node, or, on the right border, the hash of the
    // incomplete range it stands for; a last node without a sibling is carried up unchanged.
    const proof: Uint8Array[] = [];
    let j = index;
    let last = treeSize - 1;
    for (let level = 0, width = 1; last > 0; level++, width *= 2) {
      const sibling = j % 2 === 1 ? j - 1 : j + 1;
      if (sibling < last || (sibling === last && (sibling + 1) * width <= treeSize)) {
        const off = sibling * H;
        proof.push((this.#levels[level] as Uint8Array).slice(off, off + H));
      } else if (sibling === last) {
        proof.push(this.#range({ start: sibling * width, end: treeSize }).slice());
      }
      j = Math.floor(j / 2);
      last = Math.floor(last / 2);
    }
    return proof;
  }

  /** RFC 9162 §2.1.4.1 consistency proof between the trees of m and n leaves. */
  consistencyProof(m: number, n: number = this.size): Uint8Array[] {
    this.#asize(n, 'n');
    return consistencyProof(this, m, n, this.#hashes);
  }
}
