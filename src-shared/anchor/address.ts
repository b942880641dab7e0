/**
 * Ethereum addresses from secp256k1 public keys (Ethereum Yellow Paper, eq. 284: the rightmost 160
 * bits of Keccak-256 of the 64-byte uncompressed point x || y), written with the EIP-55 mixed-case
 * checksum. The publisher's key is a Q-Trust secp256k1 key (33-byte SEC 1 compressed public key).
 */
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { keccak_256 } from '@noble/hashes/sha3.js';
import { abytes, bytesToHex } from '../bytes.js';
import { QtError } from '../errors.js';
import type { Hex } from './lifecycle.js';

/** EIP-55 checksummed form of a 20-byte address. */
export function toChecksumAddress(address: Uint8Array): Hex {
  abytes(address, 'address', 20);
  const hex = bytesToHex(address);
  const hash = bytesToHex(keccak_256(new TextEncoder().encode(hex)));
  let out = '0x';
  for (let i = 0; i < 40; i++) {
    const c = hex[i] as string;
    out += parseInt(hash[i] as string, 16) >= 8 ? c.toUpperCase() : c;
  }
  return out as Hex;
}

/** The address of a secp256k1 public key (33-byte compressed or 65-byte uncompressed SEC 1). */
export function ethAddressFromPublicKey(publicKey: Uint8Array): Hex {
  abytes(publicKey, 'publicKey', 33, 65);
  let uncompressed: Uint8Array;
  try {
    uncompressed = secp256k1.Point.fromBytes(publicKey).toBytes(false);
  } catch (cause) {
    throw new QtError('QT_KEY_INVALID', 'publicKey is not a point on secp256k1', {
      path: 'publicKey',
      cause,
    });
  }
  return toChecksumAddress(keccak_256(uncompressed.subarray(1)).subarray(12));
}
