/** Regenerates test/vectors/anchor/commitments.json: `node --import tsx test/unit/anchor/gen-vectors.ts`. */
import { writeFileSync } from 'node:fs';
import { commitmentInput, anchorCommitmentHex } from '../../../src-shared/anchor/commitment.js';
import { bytesToHex } from '../../../src-shared/bytes.js';

const cases = [
  { salt: '00'.repeat(32), origin: 'a', treeSize: 1 },
  { salt: 'ff'.repeat(32), origin: 'qtrust.local/acme/desktop-1', treeSize: 1000 },
  {
    salt: '0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20',
    origin: 'example.com/log',
    treeSize: 9007199254740991,
  },
  { salt: '07'.repeat(32), origin: 'x'.repeat(255), treeSize: 4294967296 },
];
const vectors = cases.map((c) => {
  const salt = Uint8Array.from(Buffer.from(c.salt, 'hex'));
  return {
    ...c,
    input: bytesToHex(commitmentInput(salt, c.origin, c.treeSize)),
    commitment: anchorCommitmentHex(salt, c.origin, c.treeSize),
  };
});
writeFileSync(
  new URL('../../vectors/anchor/commitments.json', import.meta.url),
  `${JSON.stringify({ tag: 'qtrust/anchor-commitment/v1', vectors }, null, 2)}\n`,
);
