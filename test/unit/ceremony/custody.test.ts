// Custody of token PINs (src-main/ceremony/custody.ts): the primitives against their official
// vectors (test/vectors/ceremony/SOURCE.md), the sealing construction rebuilt from those primitives,
// and hostile inputs: wrong types, truncated and tampered files, look-alike objects, wrong lengths,
// shares moved to another custodian, ceremony or PIN.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { xchacha20poly1305 } from '@noble/ciphers/chacha.js';
import { x25519 } from '@noble/curves/ed25519.js';
import { extract, hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { describe, expect, it } from 'vitest';
import {
  bytesToHex,
  concatBytes,
  fromBase64url,
  hexToBytes,
  toBase64url,
  utf8ToBytes,
} from '../../../src-shared/bytes.js';
import { canonicalBytes } from '../../../src-shared/canonical.js';
import { QtError } from '../../../src-shared/errors.js';
import { nobleScryptKdf } from '../../../src-shared/keys/index.js';
import {
  combinePin,
  generateCustodianKey,
  generatePin,
  openShare,
  parseSealedShare,
  pinCommitment,
  sealShareToPassphrase,
  shareCommitment,
  splitPin,
  type SealedShare,
  type SplitContext,
} from '../../../src-main/ceremony/custody.js';

const vectors = join(import.meta.dirname, '../../vectors/ceremony');
const load = <T>(name: string): T => JSON.parse(readFileSync(join(vectors, name), 'utf8')) as T;

describe('official vectors for the primitives custody uses', () => {
  it('X25519: RFC 7748 §5.2 and the §6.1 Diffie-Hellman example', () => {
    const v = load<{
      scalarMult: { scalar: string; u: string; output: string }[];
      dh: Record<'alicePrivate' | 'alicePublic' | 'bobPrivate' | 'bobPublic' | 'shared', string>;
    }>('x25519.json');
    for (const c of v.scalarMult)
      expect(bytesToHex(x25519.scalarMult(hexToBytes(c.scalar), hexToBytes(c.u)))).toBe(c.output);
    const d = v.dh;
    expect(bytesToHex(x25519.getPublicKey(hexToBytes(d.alicePrivate)))).toBe(d.alicePublic);
    expect(bytesToHex(x25519.getPublicKey(hexToBytes(d.bobPrivate)))).toBe(d.bobPublic);
    expect(bytesToHex(x25519.getSharedSecret(hexToBytes(d.alicePrivate), hexToBytes(d.bobPublic)))).toBe(
      d.shared,
    );
    expect(bytesToHex(x25519.getSharedSecret(hexToBytes(d.bobPrivate), hexToBytes(d.alicePublic)))).toBe(
      d.shared,
    );
  });

  it('HKDF-SHA256: RFC 5869 A.1-A.3', () => {
    const v = load<{
      cases: { ikm: string; salt: string; info: string; length: number; prk: string; okm: string }[];
    }>('hkdf-sha256.json');
    expect(v.cases).toHaveLength(3);
    for (const c of v.cases) {
      const [ikm, salt, info] = [c.ikm, c.salt, c.info].map((x) => hexToBytes(x)) as [
        Uint8Array,
        Uint8Array,
        Uint8Array,
      ];
      expect(bytesToHex(extract(sha256, ikm, salt))).toBe(c.prk);
      expect(bytesToHex(hkdf(sha256, ikm, salt, info, c.length))).toBe(c.okm);
    }
  });

  it('XChaCha20-Poly1305: draft-irtf-cfrg-xchacha A.3.1, and a changed byte anywhere is refused', () => {
    const [c] = load<{
      cases: {
        plaintext: string;
        aad: string;
        key: string;
        nonce: string;
        ciphertext: string;
        tag: string;
      }[];
    }>('xchacha20poly1305.json').cases;
    if (c === undefined) throw new Error('no vector');
    const aead = () => xchacha20poly1305(hexToBytes(c.key), hexToBytes(c.nonce), hexToBytes(c.aad));
    const sealed = aead().encrypt(utf8ToBytes(c.plaintext));
    expect(bytesToHex(sealed)).toBe(c.ciphertext + c.tag);
    expect(new TextDecoder().decode(aead().decrypt(sealed))).toBe(c.plaintext);
    for (const at of [0, sealed.length - 1]) {
      const bad = sealed.slice();
      bad[at] = (bad[at] as number) ^ 1;
      expect(() => aead().decrypt(bad)).toThrow();
    }
  });
});

const custodians = [generateCustodianKey(), generateCustodianKey(), generateCustodianKey()];
const ctx = (over: Partial<SplitContext> = {}): SplitContext => ({
  ceremony: 'root-2026',
  token: 'a',
  label: 'acme-1',
  secret: 'user',
  threshold: 2,
  custodians: custodians.map((c, i) => ({ id: `c${i + 1}`, seal: { x25519: c.publicKey } })),
  ...over,
});
const secretOf = (i: number) => ({ x25519SecretKey: (custodians[i] as { secretKey: Uint8Array }).secretKey });

async function code(p: Promise<unknown> | (() => unknown)): Promise<string | undefined> {
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (e) {
    return e instanceof QtError ? e.code : `not a QtError: ${String(e)}`;
  }
  return undefined;
}

describe('sealing a share to an X25519 custodian', () => {
  it('is exactly X25519 -> HKDF-SHA256(salt epk || pk, info) -> XChaCha20-Poly1305 over the header', async () => {
    const pin = generatePin();
    const { shares } = await splitPin(ctx(), pin);
    const s = shares[0] as SealedShare;
    if (s.seal.scheme !== 'x25519-hkdf-sha256-xchacha20poly1305') throw new Error('scheme');
    const { seal, ...header } = s;
    const epk = fromBase64url(seal.epk);
    const me = fromBase64url(custodians[0]?.publicKey as string);
    const z = x25519.getSharedSecret(secretOf(0).x25519SecretKey, epk);
    const key = hkdf(sha256, z, concatBytes(epk, me), utf8ToBytes('qtrust/ceremony-share/v1'), 32);
    const aad = canonicalBytes({ ...header, seal: { scheme: seal.scheme, epk: seal.epk } });
    const share = xchacha20poly1305(key, fromBase64url(seal.nonce), aad).decrypt(fromBase64url(seal.ct));
    expect(shareCommitment(s.ceremony, s.token, s.secret, s.custodian, s.index, share)).toBe(s.commitment);
    expect(await openShare(s, secretOf(0))).toEqual(share);
  });

  it('splits into one share per custodian, any M of which rebuild the PIN, checked against its commitment', async () => {
    const pin = generatePin();
    expect(new TextDecoder().decode(pin)).toMatch(/^[A-Z2-7]{24}$/);
    const { shares, pinCommitment: pc } = await splitPin(ctx(), pin);
    expect(pc).toBe(pinCommitment('root-2026', 'a', 'user', pin));
    expect(shares.map((s) => s.custodian)).toEqual(['c1', 'c2', 'c3']);
    const opened = await Promise.all(shares.map((s, i) => openShare(s, secretOf(i))));
    const expectPin = {
      ceremony: 'root-2026',
      token: 'a',
      secret: 'user' as const,
      threshold: 2,
      pinCommitment: pc,
    };
    for (const pair of [
      [0, 1],
      [1, 2],
      [0, 2],
    ])
      expect(
        await combinePin(
          pair.map((i) => ({ custodian: `c${i + 1}`, share: opened[i] as Uint8Array })),
          expectPin,
        ),
      ).toEqual(pin);
    // Fewer than M, a repeated custodian or share, a share of another PIN: refused before or after combining.
    expect(await code(combinePin([{ custodian: 'c1', share: opened[0] as Uint8Array }], expectPin))).toBe(
      'QT_CEREMONY_QUORUM',
    );
    expect(
      await code(
        combinePin(
          [
            { custodian: 'c1', share: opened[0] as Uint8Array },
            { custodian: 'c1', share: opened[1] as Uint8Array },
          ],
          expectPin,
        ),
      ),
    ).toBe('QT_CEREMONY_QUORUM');
    expect(
      await code(
        combinePin(
          [
            { custodian: 'c1', share: opened[0] as Uint8Array },
            { custodian: 'c2', share: opened[0] as Uint8Array },
          ],
          expectPin,
        ),
      ),
    ).toBe('QT_CEREMONY_QUORUM');
    const other = await splitPin(ctx(), generatePin());
    const foreign = await openShare(other.shares[1] as SealedShare, secretOf(1));
    expect(
      await code(
        combinePin(
          [
            { custodian: 'c1', share: opened[0] as Uint8Array },
            { custodian: 'c2', share: foreign },
          ],
          expectPin,
        ),
      ),
    ).toBe('QT_CEREMONY_PIN_COMMITMENT');
    // The same shares presented for another ceremony, token or secret do not match its commitment.
    for (const over of [{ ceremony: 'other' }, { token: 'b' }, { secret: 'so' as const }])
      expect(
        await code(
          combinePin(
            [0, 1].map((i) => ({ custodian: `c${i + 1}`, share: opened[i] as Uint8Array })),
            { ...expectPin, ...over },
          ),
        ),
      ).toBe('QT_CEREMONY_PIN_COMMITMENT');
  });

  it('refuses a quorum outside 2..N and a passphrase custodian without a passphrase source', async () => {
    expect(await code(splitPin(ctx({ threshold: 1 }), generatePin()))).toBe('QT_CEREMONY_QUORUM');
    expect(await code(splitPin(ctx({ threshold: 4 }), generatePin()))).toBe('QT_CEREMONY_QUORUM');
    const withPass = ctx({ custodians: [...ctx().custodians, { id: 'c4', seal: { passphrase: true } }] });
    expect(await code(splitPin(withPass, generatePin()))).toBe('QT_CEREMONY_CUSTODIAN');
  });
});

describe('hostile shares', () => {
  let base: SealedShare;
  let pc: string;
  it('setup', async () => {
    const r = await splitPin(ctx(), generatePin());
    base = r.shares[0] as SealedShare;
    pc = r.pinCommitment;
    expect(pc).toMatch(/^[0-9a-f]{64}$/);
  });

  it('parseSealedShare refuses wrong types, truncation, look-alikes and wrong lengths, naming the path', () => {
    const bad: unknown[] = [
      null,
      undefined,
      42,
      'share',
      [],
      new Map(Object.entries(base)),
      { ...base, v: 2 },
      { ...base, type: 'qtrust/ceremony-shares' },
      { ...base, index: 0 },
      { ...base, index: 256 },
      { ...base, index: 1.5 },
      { ...base, index: '1' },
      { ...base, threshold: 1 },
      { ...base, commitment: base.commitment.slice(0, 63) },
      { ...base, commitment: base.commitment.toUpperCase() },
      { ...base, pinCommitment: `${base.pinCommitment}00` },
      { ...base, secret: 'admin' },
      { ...base, custodian: '' },
      { ...base, label: 'x'.repeat(33) },
      { ...base, extra: true },
      { ...base, seal: { ...base.seal, scheme: 'x25519-hkdf-sha256-aesgcm' } },
      { ...base, seal: { ...base.seal, ct: 'not base64url!' } },
      { ...base, seal: { ...base.seal, ct: 'A'.repeat(513) } },
      { ...base, seal: { ...base.seal, extra: 1 } },
      Object.fromEntries(Object.entries(base).filter(([k]) => k !== 'seal')),
      {},
    ];
    for (const v of bad) {
      expect(() => parseSealedShare(v, 'share.json')).toThrow(QtError);
      try {
        parseSealedShare(v, 'share.json');
      } catch (e) {
        expect((e as QtError).code).toBe('QT_CEREMONY_SHARE_FORMAT');
        expect((e as QtError).message).toMatch(/^share\.json: /);
      }
    }
    expect(parseSealedShare(JSON.parse(JSON.stringify(base)))).toEqual(base);
  });

  it('openShare names the custodian when the header was moved, the ciphertext changed or the key is wrong', async () => {
    const moves: Partial<SealedShare>[] = [
      { custodian: 'c2' },
      { ceremony: 'another-ceremony' },
      { token: 'b' },
      { label: 'acme-2' },
      { secret: 'so' },
      { index: ((base.index % 255) + 1) as number },
      { threshold: 3 },
      { pinCommitment: 'f'.repeat(64) },
      { commitment: 'e'.repeat(64) },
    ];
    for (const m of moves)
      expect(await code(openShare({ ...base, ...m }, secretOf(0)))).toBe('QT_CEREMONY_SHARE_INVALID');
    if (base.seal.scheme !== 'x25519-hkdf-sha256-xchacha20poly1305') throw new Error('scheme');
    const seal = base.seal;
    const flip = (s: string) => (s[0] === 'A' ? 'B' : 'A') + s.slice(1);
    expect(await code(openShare({ ...base, seal: { ...seal, ct: flip(seal.ct) } }, secretOf(0)))).toBe(
      'QT_CEREMONY_SHARE_INVALID',
    );
    expect(await code(openShare({ ...base, seal: { ...seal, ct: seal.ct.slice(0, -4) } }, secretOf(0)))).toBe(
      'QT_CEREMONY_SHARE_INVALID',
    );
    expect(await code(openShare({ ...base, seal: { ...seal, nonce: flip(seal.nonce) } }, secretOf(0)))).toBe(
      'QT_CEREMONY_SHARE_INVALID',
    );
    expect(await code(openShare({ ...base, seal: { ...seal, epk: flip(seal.epk) } }, secretOf(0)))).toBe(
      'QT_CEREMONY_SHARE_INVALID',
    );
    // An all-zero ephemeral key (a low-order point) gives no shared secret.
    expect(
      await code(
        openShare({ ...base, seal: { ...seal, epk: toBase64url(new Uint8Array(32)) } }, secretOf(0)),
      ),
    ).toBe('QT_CEREMONY_SHARE_INVALID');
    expect(await code(openShare(base, secretOf(1)))).toBe('QT_CEREMONY_SHARE_INVALID');
    expect(await code(openShare(base, { x25519SecretKey: new Uint8Array(31) }))).toBe('QT_RANGE');
    expect(await code(openShare(base, { x25519SecretKey: 'key' as unknown as Uint8Array }))).toBe('QT_TYPE');
    expect(await code(openShare(base, { passphrase: utf8ToBytes('guess') }))).toBe(
      'QT_CEREMONY_SHARE_INVALID',
    );
    // The commitment recorded in the transcript wins over the one in the file.
    expect(await code(openShare(base, secretOf(0), 'a'.repeat(64)))).toBe('QT_CEREMONY_SHARE_INVALID');
    expect(await openShare(base, secretOf(0), base.commitment)).toBeInstanceOf(Uint8Array);
  });

  it('a passphrase-sealed share opens only with its passphrase and is bound to its header too', async () => {
    const share = await openShare(base, secretOf(0));
    const pass = utf8ToBytes('custodian passphrase');
    const sealed = await sealShareToPassphrase(
      base,
      share,
      pass.slice(),
      { N: 1024, r: 8, p: 1 },
      nobleScryptKdf,
    );
    expect(sealed.seal.scheme).toBe('scrypt-xchacha20poly1305');
    expect(await openShare(sealed, { passphrase: pass }, undefined, nobleScryptKdf)).toEqual(share);
    expect(
      await code(openShare(sealed, { passphrase: utf8ToBytes('wrong') }, undefined, nobleScryptKdf)),
    ).toBe('QT_CEREMONY_SHARE_INVALID');
    expect(await code(openShare(sealed, secretOf(0), undefined, nobleScryptKdf))).toBe(
      'QT_CEREMONY_SHARE_INVALID',
    );
    expect(
      await code(openShare({ ...sealed, custodian: 'c2' }, { passphrase: pass }, undefined, nobleScryptKdf)),
    ).toBe('QT_CEREMONY_SHARE_INVALID');
    if (sealed.seal.scheme !== 'scrypt-xchacha20poly1305') throw new Error('scheme');
    // Parameters outside the key-file bounds are refused before any work is done.
    const weak = { ...sealed, seal: { ...sealed.seal, kdf: { ...sealed.seal.kdf, N: 3 } } };
    expect(await code(openShare(weak, { passphrase: pass }, undefined, nobleScryptKdf))).toMatch(/^QT_/);
  });
});
