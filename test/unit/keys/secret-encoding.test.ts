import { describe, expect, it } from 'vitest';
import { decodeSecretKeys, encodeSecretKeys } from '../../../src-shared/keys/secret-encoding.js';
import { fixedKeys } from './fixtures.js';

describe('sealed plaintext encoding', () => {
  const keys = fixedKeys();
  const bytes = encodeSecretKeys(keys);

  it('round-trips and lays out version, count, then length-prefixed entries', () => {
    expect(bytes[0]).toBe(1);
    expect(bytes[1]).toBe(2);
    expect(bytes[2]).toBe('ed25519'.length);
    expect(new TextDecoder().decode(bytes.subarray(3, 10))).toBe('ed25519');
    const back = decodeSecretKeys(bytes);
    expect(back.map((k) => [k.suite, k.publicKey, k.secretKey])).toEqual(
      keys.map((k) => [k.suite, k.publicKey, k.secretKey]),
    );
    // Fresh copies: wiping the input leaves the decoded keys intact.
    const copy = bytes.slice();
    const decoded = decodeSecretKeys(copy);
    copy.fill(0);
    expect(decoded[0]!.secretKey).toEqual(keys[0]!.secretKey);
  });

  it('refuses every truncation', () => {
    for (let len = 0; len < bytes.length; len += len < 200 ? 1 : 97) {
      expect(() => decodeSecretKeys(bytes.subarray(0, len)), `length ${len}`).toThrow(
        expect.objectContaining({ code: 'QT_KEYSET_FORMAT' }),
      );
    }
  });

  it('refuses trailing bytes, unknown versions and unknown suites', () => {
    const longer = new Uint8Array(bytes.length + 1);
    longer.set(bytes);
    expect(() => decodeSecretKeys(longer)).toThrow(/trailing/);
    const v2 = bytes.slice();
    v2[0] = 2;
    expect(() => decodeSecretKeys(v2)).toThrow(/version/);
    const suite = bytes.slice();
    suite[3] = 0x45; // 'E'd25519
    expect(() => decodeSecretKeys(suite)).toThrow(/unknown suite/);
    expect(() => decodeSecretKeys('abc' as never)).toThrow(expect.objectContaining({ code: 'QT_TYPE' }));
  });
});
