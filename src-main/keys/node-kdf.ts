/**
 * scrypt from node:crypto (OpenSSL): the same RFC 7914 function as the core's noble default
 * (test/unit/keys checks they agree), several times faster, and asynchronous on the libuv pool so
 * the process stays responsive while a key file opens.
 */
import { scrypt } from 'node:crypto';
import { abytes } from '../../src-shared/bytes.js';
import {
  SCRYPT_KEY_LENGTH,
  SCRYPT_SALT_LENGTH,
  ascryptParams,
  type Kdf,
} from '../../src-shared/keys/index.js';

export const nodeScryptKdf: Kdf = async (passphrase, salt, params) => {
  abytes(passphrase, 'passphrase');
  abytes(salt, 'salt', SCRYPT_SALT_LENGTH);
  const { N, r, p } = ascryptParams(params);
  // OpenSSL needs 128·N·r bytes plus a little; its default cap (32 MiB) is below our default cost.
  const maxmem = 128 * N * r + 1024 * 1024;
  return new Promise((resolve, reject) => {
    scrypt(passphrase, salt, SCRYPT_KEY_LENGTH, { N, r, p, maxmem }, (err, key) => {
      if (err !== null) reject(err);
      else {
        const out = new Uint8Array(key);
        key.fill(0);
        resolve(out);
      }
    });
  });
};
