/**
 * The publisher's Ethereum account: a secp256k1 key from a sealed key directory (src-main/keys,
 * docs/formats.md "Secret keys at rest"), opened with its passphrase and turned into a viem local
 * account. The address is derived from the public key (src-shared/anchor/address.ts) and checked
 * against viem's own derivation, so a mismatched key file cannot sign as someone else.
 */
import { privateKeyToAccount, type LocalAccount } from 'viem/accounts';
import { bytesToHex } from '../../src-shared/bytes.js';
import { QtError } from '../../src-shared/errors.js';
import { ethAddressFromPublicKey } from '../../src-shared/anchor/address.js';
import { wipeSecretKeys } from '../../src-shared/keys/index.js';
import type { SecretKeyEntry } from '../../src-shared/sign/index.js';
import { openSecretKeySetFile, readSecretKeySetFile } from '../keys/keyfile.js';

/**
 * A viem account from the secp256k1 entry of a key set. Note: viem keeps the key as a hex string,
 * which JavaScript cannot wipe; the byte copies this function makes are wiped.
 */
export function publisherAccountFromKeys(keys: readonly SecretKeyEntry[]): LocalAccount {
  const entry = keys.find((k) => k.suite === 'secp256k1');
  if (entry === undefined) {
    throw new QtError('QT_ANCHOR_KEY', 'the publisher key set holds no secp256k1 key', { path: 'keys' });
  }
  const expected = ethAddressFromPublicKey(entry.publicKey);
  const account = privateKeyToAccount(`0x${bytesToHex(entry.secretKey)}`);
  if (account.address !== expected) {
    throw new QtError(
      'QT_ANCHOR_KEY',
      `the publisher key's secret does not match its public key (${expected})`,
      {
        path: 'keys',
      },
    );
  }
  return account;
}

/** Opens DIR/secret.json (sealed: passphrase required) and returns the publisher account. */
export async function loadPublisherAccount(
  dir: string,
  passphrase: Uint8Array | undefined,
): Promise<LocalAccount> {
  const { path, set } = await readSecretKeySetFile(dir);
  const opened = await openSecretKeySetFile(path, set, passphrase);
  try {
    return publisherAccountFromKeys(opened.keys);
  } finally {
    wipeSecretKeys(opened.keys);
  }
}
