/**
 * A viem account whose secp256k1 key stays in an HSM (src-main/hsm): transactions, messages
 * (EIP-191) and typed data (EIP-712) are hashed here with Keccak-256 and the digest is signed in the
 * token by `session.signDigest`, which returns a low-S signature and its recovery id (yParity), as
 * Ethereum requires (EIP-2). The address comes from the token's public key.
 */
import {
  hashMessage,
  hashTypedData,
  keccak256,
  serializeSignature,
  serializeTransaction,
  toHex,
  type Hex,
} from 'viem';
import { toAccount, type LocalAccount } from 'viem/accounts';
import { ethAddressFromPublicKey } from '../../src-shared/anchor/address.js';
import { hexToBytes } from '../../src-shared/bytes.js';
import { QtError } from '../../src-shared/errors.js';
import type { HsmKeyPair, HsmSession } from '../hsm/session.js';

type DigestSession = Pick<HsmSession, 'signDigest'>;

function signHash(session: DigestSession, key: HsmKeyPair, hash: Hex): { r: Hex; s: Hex; yParity: 0 | 1 } {
  const { signature, recovery } = session.signDigest(key, hexToBytes(hash.slice(2)));
  if (signature.length !== 64 || recovery === undefined) {
    throw new QtError('QT_ANCHOR_KEY', 'the HSM returned no recoverable 64-byte secp256k1 signature', {
      path: 'key',
    });
  }
  return { r: toHex(signature.subarray(0, 32)), s: toHex(signature.subarray(32)), yParity: recovery };
}

export function hsmPublisherAccount(session: DigestSession, key: HsmKeyPair): LocalAccount {
  if (key.type !== 'secp256k1') {
    throw new QtError('QT_ANCHOR_KEY', `the publisher key must be secp256k1, got ${key.type}`, {
      path: 'key.type',
    });
  }
  const address = ethAddressFromPublicKey(key.publicKey);
  return toAccount({
    address,
    signMessage: ({ message }) =>
      Promise.resolve(serializeSignature(signHash(session, key, hashMessage(message)))),
    signTypedData: (typedData) =>
      Promise.resolve(
        serializeSignature(
          signHash(session, key, hashTypedData(typedData as Parameters<typeof hashTypedData>[0])),
        ),
      ),
    signTransaction: async (tx, options) => {
      const serializer = options?.serializer ?? serializeTransaction;
      const signature = signHash(session, key, keccak256(await serializer(tx)));
      return serializer(tx, signature);
    },
  });
}
