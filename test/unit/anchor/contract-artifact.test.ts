import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain ESM build script without type declarations
import { compileAnchorContract } from '../../../scripts/compile-contract.mjs';

describe('anchor contract artifact', () => {
  it('matches a fresh offline compile of its source (solc-js, evmVersion paris)', () => {
    const committed = readFileSync(
      new URL('../../../build/contracts/QTrustAnchor.json', import.meta.url),
      'utf8',
    );
    const fresh = (compileAnchorContract as () => string)();
    expect(fresh).toBe(committed);
    const artifact = JSON.parse(committed) as { compiler: { evmVersion: string }; bytecode: string };
    expect(artifact.compiler.evmVersion).toBe('paris');
    // paris has no PUSH0 (0x5f); a chain without Shanghai must be able to run it. Check the creation code's
    // opcode stream rather than raw bytes (0x5f may appear inside PUSH data).
    expect(containsOpcode(artifact.bytecode, 0x5f)).toBe(false);
  });
});

function containsOpcode(hex: string, opcode: number): boolean {
  const code = Buffer.from(hex.slice(2), 'hex');
  for (let i = 0; i < code.length; i++) {
    const op = code[i] as number;
    if (op === opcode) return true;
    if (op >= 0x60 && op <= 0x7f) i += op - 0x5f; // skip PUSH1..PUSH32 immediates
  }
  return false;
}
