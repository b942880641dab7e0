import { secp256k1 } from '@noble/curves/secp256k1.js';
import { privateKeyToAccount } from 'viem/accounts';
import { describe, expect, it } from 'vitest';
import { ethAddressFromPublicKey, toChecksumAddress } from '../../../src-shared/anchor/address.js';
import { hexToBytes } from '../../../src-shared/bytes.js';
import { publisherAccountFromKeys } from '../../../src-main/anchor/account.js';
import { generateKeySet } from '../../../src-shared/keys/index.js';

// EIP-55 "Test Cases".
const EIP55 = [
  '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed',
  '0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359',
  '0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB',
  '0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb',
];
const ANVIL0 = 'ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80';

describe('Ethereum addresses', () => {
  it('EIP-55 checksums', () => {
    for (const a of EIP55) expect(toChecksumAddress(hexToBytes(a.slice(2).toLowerCase()))).toBe(a);
  });

  it('derives the address of a compressed or uncompressed public key', () => {
    const sk = hexToBytes(ANVIL0);
    expect(ethAddressFromPublicKey(secp256k1.getPublicKey(sk, true))).toBe(
      '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266',
    );
    expect(ethAddressFromPublicKey(secp256k1.getPublicKey(sk, false))).toBe(
      '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266',
    );
  });

  it('refuses hostile keys', () => {
    expect(() => ethAddressFromPublicKey(new Uint8Array(32))).toThrow(
      expect.objectContaining({ code: 'QT_RANGE' }),
    );
    for (const prefix of [2, 5]) {
      const pk = new Uint8Array(33);
      pk[0] = prefix; // x = 0 is not on secp256k1; 0x05 is no SEC 1 prefix
      expect(() => ethAddressFromPublicKey(pk)).toThrow(expect.objectContaining({ code: 'QT_KEY_INVALID' }));
    }
    expect(() => ethAddressFromPublicKey('02' as unknown as Uint8Array)).toThrow(
      expect.objectContaining({ code: 'QT_TYPE' }),
    );
    expect(() => toChecksumAddress(new Uint8Array(19))).toThrow(
      expect.objectContaining({ code: 'QT_RANGE' }),
    );
  });

  it('builds the publisher account from a secp256k1 key set and refuses others or mismatched pairs', () => {
    const [k] = generateKeySet('secp256k1');
    const key = k as NonNullable<typeof k>;
    const account = publisherAccountFromKeys([key]);
    expect(account.address).toBe(ethAddressFromPublicKey(key.publicKey));
    expect(account.address).toBe(
      privateKeyToAccount(`0x${Buffer.from(key.secretKey).toString('hex')}`).address,
    );
    expect(() => publisherAccountFromKeys(generateKeySet('ed25519'))).toThrow(
      expect.objectContaining({ code: 'QT_ANCHOR_KEY' }),
    );
    const [other] = generateKeySet('secp256k1');
    const mixed = { ...key, publicKey: (other as typeof key).publicKey };
    expect(() => publisherAccountFromKeys([mixed])).toThrow(
      expect.objectContaining({ code: 'QT_ANCHOR_KEY' }),
    );
  });
});
