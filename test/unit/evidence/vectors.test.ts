import { readFileSync } from 'node:fs';
import { sha256 } from '@noble/hashes/sha2.js';
import canonicalize from 'canonicalize';
import { describe, expect, it } from 'vitest';
import { bytesToHex, concatBytes, hexToBytes, u64be, utf8ToBytes } from '../../../src-shared/bytes.js';
import { ChainVerifier } from '../../../src-shared/evidence/chain.js';
import { parseRecord } from '../../../src-shared/evidence/record.js';

interface Vectors {
  log: string;
  records: { text: string; hash: string; leafHash: string }[];
  root: string;
}

const vectors = JSON.parse(
  readFileSync(new URL('../../vectors/evidence/records.json', import.meta.url), 'utf8'),
) as Vectors;

const TAG = 'qtrust/evidence/v1';

/** RFC 9162 §2.1.1 MTH over leaf hashes, written out independently of src-shared/merkle. */
function mth(leaves: Uint8Array[]): Uint8Array {
  if (leaves.length === 1) return leaves[0] as Uint8Array;
  let k = 1;
  while (k * 2 < leaves.length) k *= 2;
  return sha256(concatBytes(new Uint8Array([1]), mth(leaves.slice(0, k)), mth(leaves.slice(k))));
}

describe('evidence record vectors', () => {
  it('texts are RFC 8785 canonical (checked by an independent implementation)', () => {
    for (const r of vectors.records) expect(canonicalize(JSON.parse(r.text))).toBe(r.text);
  });

  it('record hashes, leaf hashes and the root re-derive independently', () => {
    const leaves: Uint8Array[] = [];
    for (const r of vectors.records) {
      const data = utf8ToBytes(r.text);
      const tagged = concatBytes(new Uint8Array([TAG.length]), utf8ToBytes(TAG), u64be(data.length), data);
      expect(bytesToHex(sha256(tagged))).toBe(r.hash);
      const leaf = sha256(concatBytes(new Uint8Array([0]), data));
      expect(bytesToHex(leaf)).toBe(r.leafHash);
      leaves.push(leaf);
    }
    expect(bytesToHex(mth(leaves))).toBe(vectors.root);
  });

  it('the project parser and chain verifier accept the chain with the same hashes', () => {
    const chain = new ChainVerifier({ log: vectors.log });
    for (const r of vectors.records) {
      expect(bytesToHex(chain.push(r.text).hash)).toBe(r.hash);
      expect(parseRecord(utf8ToBytes(r.text)).hash).toEqual(hexToBytes(r.hash));
    }
    expect(chain.count).toBe(vectors.records.length);
  });
});
