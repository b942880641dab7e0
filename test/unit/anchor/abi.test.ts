import { readFileSync } from 'node:fs';
import { toEventSelector } from 'viem';
import { describe, expect, it } from 'vitest';
import { ANCHOR_ABI, ANCHORED_EVENT } from '../../../src-main/anchor/abi.js';

const artifact = JSON.parse(
  readFileSync(new URL('../../../build/contracts/QTrustAnchor.json', import.meta.url), 'utf8'),
) as {
  abi: { name?: string; type: string }[];
};

describe('ANCHOR_ABI', () => {
  it('every entry equals the compiled artifact entry of the same name', () => {
    for (const entry of ANCHOR_ABI) {
      const match = artifact.abi.find((x) => x.name === entry.name && x.type === entry.type);
      expect(match, entry.name).toEqual(entry);
    }
  });

  it('names the Anchored event with its canonical signature', () => {
    expect(toEventSelector(ANCHORED_EVENT)).toBe(
      toEventSelector('Anchored(bytes32,address,bytes32,uint64,bytes32)'),
    );
  });
});
