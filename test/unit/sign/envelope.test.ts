/** PAE, key ids and envelopes: hybrid verification and every way an envelope can be wrong. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nodeSuiteBackend } from '../../../src-main/crypto/node-backend.js';
import { toBase64url } from '../../../src-shared/bytes.js';
import {
  akeyid,
  checkPublicKeyEntry,
  getSuite,
  keyId,
  MAX_SIGNATURES,
  pae,
  parseEnvelope,
  publicKeyEntry,
  signEnvelope,
  SUITE_IDS,
  verifyEnvelope,
  type Envelope,
  type SuiteId,
} from '../../../src-shared/sign/index.js';
import { fixedKey, flip, NOT_BYTES, signer, toHex, utf8 } from './helpers.js';

const TYPE = 'application/vnd.qtrust.grant+json';
const payload = utf8('{"grant":"g-1","request":"r-7"}');
const ed = fixedKey('ed25519');
const mldsa = fixedKey('ml-dsa-65');
const k1 = fixedKey('secp256k1');
const other = fixedKey('ed25519', 7);
const pub = (k: ReturnType<typeof fixedKey>) => publicKeyEntry(k.suite, k.publicKey);
const hybrid = signEnvelope(TYPE, payload, [signer(ed), signer(mldsa)]);
const required = [pub(ed), pub(mldsa)];
const clone = (e: Envelope): Envelope => JSON.parse(JSON.stringify(e)) as Envelope;
const code = (c: string, path?: string) =>
  expect.objectContaining(path === undefined ? { code: c } : { code: c, path });

describe('pae', () => {
  it('is "QTRUSTv1" SP len SP type SP len SP payload', () => {
    expect(new TextDecoder().decode(pae('t/x', utf8('hello')))).toBe('QTRUSTv1 3 t/x 5 hello');
    expect(new TextDecoder().decode(pae('a', new Uint8Array(0)))).toBe('QTRUSTv1 1 a 0 ');
  });
  it('is injective where naive concatenation is not', () => {
    expect(toHex(pae('ab', utf8('c')))).not.toBe(toHex(pae('a', utf8('bc'))));
    expect(toHex(pae('a', utf8('1 2 b')))).not.toBe(toHex(pae('a', utf8('1 2 c'))));
    expect(new TextDecoder().decode(pae('a', utf8('1 2 b')))).toBe('QTRUSTv1 1 a 5 1 2 b');
  });
  it('refuses bad payload types and payloads', () => {
    for (const bad of ['', 'has space', 'tab\t', 'é', 'x'.repeat(129), '\u0000']) {
      expect(() => pae(bad, payload)).toThrow(code('QT_PAYLOAD_TYPE'));
    }
    expect(pae('x'.repeat(128), payload).length).toBeGreaterThan(128);
    for (const bad of [undefined, null, 1, utf8('t')])
      expect(() => pae(bad as unknown as string, payload)).toThrow(code('QT_TYPE'));
    for (const bad of NOT_BYTES) expect(() => pae(TYPE, bad as Uint8Array)).toThrow(code('QT_TYPE'));
    expect(() => pae(TYPE, new Uint8Array(4 * 1024 * 1024 + 1))).toThrow(code('QT_RANGE'));
  });
});

describe('keyId', () => {
  it('binds the suite: same bytes, different suites, different ids', () => {
    const bytes = k1.publicKey;
    expect(keyId('secp256k1', bytes)).toMatch(/^secp256k1:[0-9a-f]{32}$/);
    expect(keyId('secp256k1', bytes).split(':')[1]).not.toBe(keyId('p256', bytes).split(':')[1]);
    expect(keyId('ed25519', ed.publicKey)).not.toBe(keyId('ed25519', other.publicKey));
  });
  it('akeyid checks the form and the suite of a key id', () => {
    expect(akeyid(pub(ed).keyid)).toBe('ed25519');
    expect(() => akeyid('ed25519:' + 'A'.repeat(32))).toThrow(code('QT_KEYID_FORMAT'));
    expect(() => akeyid('ed25519:abc')).toThrow(code('QT_KEYID_FORMAT'));
    expect(() => akeyid('rsa:' + '0'.repeat(32))).toThrow(code('QT_UNKNOWN_SUITE'));
    expect(() => akeyid(42)).toThrow(code('QT_TYPE'));
  });
  it('refuses wrong lengths, types and suites', () => {
    expect(() => keyId('ed25519', k1.publicKey)).toThrow(code('QT_RANGE'));
    expect(() => keyId('rsa' as SuiteId, ed.publicKey)).toThrow(code('QT_UNKNOWN_SUITE'));
    for (const bad of NOT_BYTES) expect(() => keyId('ed25519', bad as Uint8Array)).toThrow(code('QT_TYPE'));
  });
  it('a key entry whose keyid does not match its key is QT_KEYID_MISMATCH', () => {
    const good = pub(ed);
    expect(checkPublicKeyEntry(good)).toEqual(good);
    expect(() => checkPublicKeyEntry({ ...good, keyid: pub(other).keyid })).toThrow(
      code('QT_KEYID_MISMATCH', 'key.keyid'),
    );
    expect(() => checkPublicKeyEntry({ ...good, publicKey: other.publicKey })).toThrow(
      code('QT_KEYID_MISMATCH'),
    );
    expect(() => checkPublicKeyEntry({ ...good, suite: 'p256' })).toThrow(code('QT_RANGE'));
    expect(() => checkPublicKeyEntry({ ...good, suite: 'rsa' })).toThrow(code('QT_UNKNOWN_SUITE'));
    expect(() =>
      checkPublicKeyEntry(
        new (class K {
          suite = good.suite;
          keyid = good.keyid;
          publicKey = good.publicKey;
        })(),
      ),
    ).toThrow(code('QT_TYPE'));
    expect(() => checkPublicKeyEntry({ ...good, publicKey: Array.from(good.publicKey) })).toThrow(
      code('QT_TYPE'),
    );
  });
});

describe('signEnvelope / verifyEnvelope', () => {
  it('verifies a hybrid set and returns payload and key ids', () => {
    expect(hybrid.signatures.map((s) => s.suite).sort()).toEqual(['ed25519', 'ml-dsa-65']);
    expect(hybrid.payload).toBe(toBase64url(payload));
    for (const backend of [undefined, nodeSuiteBackend]) {
      const out = verifyEnvelope(clone(hybrid), required, { payloadType: TYPE, backend });
      expect(toHex(out.payload)).toBe(toHex(payload));
      expect(out.keyids).toEqual(required.map((k) => k.keyid));
      expect(out.payloadType).toBe(TYPE);
    }
  });
  it('sorts signatures by key id and is deterministic for deterministic suites', () => {
    const a = signEnvelope(TYPE, payload, [signer(mldsa), signer(ed), signer(k1)]);
    const b = signEnvelope(TYPE, payload, [signer(k1), signer(ed), signer(mldsa)]);
    expect(a).toEqual(b);
    const ids = a.signatures.map((s) => s.keyid);
    expect(ids).toEqual([...ids].sort());
  });
  it('ignores signatures by keys that are not required, but never counts them', () => {
    const env = signEnvelope(TYPE, payload, [signer(ed), signer(other)]);
    expect(verifyEnvelope(env, [pub(ed)]).keyids).toEqual([pub(ed).keyid]);
    expect(() => verifyEnvelope(env, [pub(ed), pub(mldsa)])).toThrow(code('QT_SIGNATURE_MISSING'));
  });
  it('a required suite missing is QT_SIGNATURE_MISSING naming suite and keyid', () => {
    const onlyEd = signEnvelope(TYPE, payload, [signer(ed)]);
    expect(() => verifyEnvelope(onlyEd, required)).toThrow(new RegExp(`ml-dsa-65 key ${required[1]!.keyid}`));
    expect(() => verifyEnvelope(onlyEd, required)).toThrow(code('QT_SIGNATURE_MISSING'));
  });
  it("another key's signature relabelled with the required keyid is QT_SIGNATURE_INVALID", () => {
    const forged = clone(signEnvelope(TYPE, payload, [signer(other)]));
    forged.signatures[0]!.keyid = pub(ed).keyid;
    expect(() => verifyEnvelope(forged, [pub(ed)])).toThrow(
      code('QT_SIGNATURE_INVALID', '$.signatures[0].sig'),
    );
    expect(() => verifyEnvelope(forged, [pub(ed)], { backend: nodeSuiteBackend })).toThrow(
      code('QT_SIGNATURE_INVALID'),
    );
  });
  it('a flipped bit in the signature, payload or payloadType fails, naming the suite', () => {
    const i = hybrid.signatures.findIndex((s) => s.suite === 'ml-dsa-65');
    const badSig = clone(hybrid);
    const raw = Buffer.from(badSig.signatures[i]!.sig, 'base64url');
    badSig.signatures[i]!.sig = toBase64url(flip(raw, 100));
    expect(() => verifyEnvelope(badSig, required)).toThrow(/ml-dsa-65 signature by ml-dsa-65:/);
    const badPayload = clone(hybrid);
    badPayload.payload = toBase64url(flip(payload, 2));
    expect(() => verifyEnvelope(badPayload, required)).toThrow(code('QT_SIGNATURE_INVALID'));
    const badType = clone(hybrid);
    badType.payloadType = 'application/vnd.qtrust.grant+jsoo';
    expect(() => verifyEnvelope(badType, required)).toThrow(code('QT_SIGNATURE_INVALID'));
    expect(() => verifyEnvelope(badType, required, { payloadType: TYPE })).toThrow(
      code('QT_PAYLOAD_TYPE_MISMATCH'),
    );
  });
  it('duplicate signatures by one key are QT_ENVELOPE_DUPLICATE, even if both are valid', () => {
    const dup = clone(hybrid);
    dup.signatures.push({ ...dup.signatures[0]! });
    expect(() => parseEnvelope(dup)).toThrow(code('QT_ENVELOPE_DUPLICATE', '$.signatures[2].keyid'));
    expect(() => verifyEnvelope(dup, required)).toThrow(code('QT_ENVELOPE_DUPLICATE'));
    expect(() => signEnvelope(TYPE, payload, [signer(ed), signer(ed)])).toThrow(
      code('QT_ENVELOPE_DUPLICATE'),
    );
    expect(() => verifyEnvelope(hybrid, [pub(ed), pub(ed)])).toThrow(code('QT_KEY_DUPLICATE'));
  });
  it('refuses signers whose keyid or public key does not match', () => {
    expect(() => signEnvelope(TYPE, payload, [{ ...signer(ed), keyid: pub(other).keyid }])).toThrow(
      code('QT_KEYID_MISMATCH'),
    );
    const mismatched = { ...pub(other), secretKey: ed.secretKey };
    expect(() => signEnvelope(TYPE, payload, [mismatched])).toThrow(
      code('QT_KEY_PAIR_MISMATCH', 'signers[0]'),
    );
    expect(() => signEnvelope(TYPE, payload, [mismatched], nodeSuiteBackend)).toThrow(
      code('QT_KEY_PAIR_MISMATCH'),
    );
    expect(() =>
      signEnvelope(TYPE, payload, [{ ...signer(ed), secretKey: ed.secretKey.subarray(1) }]),
    ).toThrow(code('QT_RANGE'));
  });
  it('refuses bad arguments', () => {
    expect(() => signEnvelope(TYPE, payload, [])).toThrow(code('QT_RANGE'));
    expect(() => signEnvelope(TYPE, payload, signer(ed) as never)).toThrow(code('QT_TYPE'));
    expect(() => signEnvelope('bad type', payload, [signer(ed)])).toThrow(code('QT_PAYLOAD_TYPE'));
    expect(() => signEnvelope(TYPE, 'payload' as never, [signer(ed)])).toThrow(code('QT_TYPE'));
    expect(() => verifyEnvelope(hybrid, [])).toThrow(code('QT_RANGE'));
    expect(() => verifyEnvelope(hybrid, Array(MAX_SIGNATURES + 1).fill(pub(ed)))).toThrow(code('QT_RANGE'));
    expect(() => verifyEnvelope(hybrid, required, null as never)).toThrow(code('QT_TYPE'));
    expect(() => verifyEnvelope(hybrid, required, { payloadType: 'has space' })).toThrow(
      code('QT_PAYLOAD_TYPE'),
    );
    expect(() => verifyEnvelope(hybrid, [{ ...pub(ed), keyid: pub(other).keyid }])).toThrow(
      code('QT_KEYID_MISMATCH', 'required[0].keyid'),
    );
  });
  it('a throwing or lying backend cannot make a bad signature pass', () => {
    const throwing = {
      ed25519: {
        sign: () => new Uint8Array(64),
        verify: () => {
          throw new Error('boom');
        },
      },
    };
    expect(() => verifyEnvelope(hybrid, required, { backend: throwing })).toThrow(
      code('QT_SIGNATURE_INVALID'),
    );
    const shortSig = { ed25519: { sign: () => new Uint8Array(10), verify: () => true } };
    expect(() => signEnvelope(TYPE, payload, [signer(ed)], shortSig)).toThrow(code('QT_KEY_PAIR_MISMATCH'));
  });
});

describe('parseEnvelope (strict structure)', () => {
  const cases: [string, (e: Record<string, unknown>) => unknown, string][] = [
    ['not an object', () => 'envelope', '$'],
    ['an array', () => [], '$'],
    ['a class instance', (e) => Object.assign(new (class Env {})(), e), '$'],
    ['an extra member', (e) => ({ ...e, extra: 1 }), '$'],
    ['missing payload', ({ payload: _p, ...rest }) => rest, '$.payload'],
    ['missing signatures', ({ signatures: _s, ...rest }) => rest, '$.signatures'],
    ['payloadType not a string', (e) => ({ ...e, payloadType: 7 }), '$.payloadType'],
    ['payloadType with a space', (e) => ({ ...e, payloadType: 'a b' }), '$.payloadType'],
    ['payload with padding', (e) => ({ ...e, payload: toBase64url(utf8('ab')) + '=' }), '$.payload'],
    ['payload in standard base64', (e) => ({ ...e, payload: 'ab+/' }), '$.payload'],
    ['payload non-canonical', (e) => ({ ...e, payload: 'QR' }), '$.payload'],
    ['payload not a string', (e) => ({ ...e, payload: Array.from(payload) }), '$.payload'],
    ['signatures not an array', (e) => ({ ...e, signatures: {} }), '$.signatures'],
    ['no signatures', (e) => ({ ...e, signatures: [] }), '$.signatures'],
    [
      'too many signatures',
      (e) => ({ ...e, signatures: Array(MAX_SIGNATURES + 1).fill((e.signatures as unknown[])[0]) }),
      '$.signatures',
    ],
    ['a signature that is null', (e) => ({ ...e, signatures: [null] }), '$.signatures[0]'],
    [
      'a signature with an extra member',
      (e) => ({ ...e, signatures: [{ ...(e.signatures as object[])[0], x: 1 }] }),
      '$.signatures[0]',
    ],
    [
      'an unknown suite',
      (e) => ({ ...e, signatures: [{ ...(e.signatures as object[])[0], suite: 'rsa' }] }),
      '$.signatures[0].suite',
    ],
    [
      'a keyid of another suite',
      (e) => ({ ...e, signatures: [{ ...(e.signatures as object[])[0], suite: 'p256' }] }),
      '$.signatures[0].keyid',
    ],
    [
      'an uppercase keyid',
      (e) => {
        const s = (e.signatures as { keyid: string }[])[0]!;
        return { ...e, signatures: [{ ...s, keyid: s.keyid.toUpperCase() }] };
      },
      '$.signatures[0].keyid',
    ],
    [
      'a truncated signature',
      (e) => {
        const s = (e.signatures as { sig: string }[])[0]!;
        return { ...e, signatures: [{ ...s, sig: s.sig.slice(0, -4) }] };
      },
      '$.signatures[0].sig',
    ],
    [
      'a signature with padding',
      (e) => {
        const s = (e.signatures as { sig: string }[])[0]!;
        return { ...e, signatures: [{ ...s, sig: s.sig + '==' }] };
      },
      '$.signatures[0].sig',
    ],
    ['a huge payload string', (e) => ({ ...e, payload: 'A'.repeat(6 * 1024 * 1024) }), '$.payload'],
  ];
  const base = clone(signEnvelope(TYPE, payload, [signer(ed)])) as unknown as Record<string, unknown>;
  for (const [name, mutate, path] of cases) {
    it(`refuses ${name}`, () => {
      const bad = mutate(clone(base as unknown as Envelope) as unknown as Record<string, unknown>);
      expect(() => parseEnvelope(bad)).toThrow(code('QT_ENVELOPE_FORMAT', path));
      expect(() => verifyEnvelope(bad, [pub(ed)])).toThrow(
        expect.objectContaining({ code: expect.stringMatching(/^QT_ENVELOPE_/) }),
      );
    });
  }
  it('refuses truncated JSON text at the parser and returns a detached copy', () => {
    expect(() => JSON.parse(JSON.stringify(base).slice(0, -5))).toThrow(SyntaxError);
    const src = clone(base as unknown as Envelope);
    const parsed = parseEnvelope(src);
    src.signatures[0]!.sig = 'changed';
    expect(parsed.signatures[0]!.sig).not.toBe('changed');
  });
});

describe('properties (fast suites)', () => {
  const fast: SuiteId[] = ['ed25519', 'secp256k1', 'p256'];
  it('sign/verify round trip for random messages; any single-bit change fails', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...fast),
        fc.uint8Array({ maxLength: 300 }),
        fc.nat(),
        (id, message, where) => {
          const suite = getSuite(id);
          const k = fixedKey(id);
          const sig = suite.sign(k.secretKey, message);
          if (!suite.verify(k.publicKey, message, sig)) return false;
          if (nodeSuiteBackend[id]!.verify(k.publicKey, message, sig) !== true) return false;
          const i = where % (message.length + sig.length);
          const bad =
            i < message.length
              ? suite.verify(k.publicKey, flip(message, i), sig)
              : suite.verify(k.publicKey, message, flip(sig, i - message.length));
          return bad === false;
        },
      ),
      { numRuns: 60 },
    );
  });
  it('envelope round trip for random payloads and payload types', () => {
    const typeArb = fc.stringMatching(/^[\x21-\x7e]{1,40}$/);
    fc.assert(
      fc.property(typeArb, fc.uint8Array({ maxLength: 200 }), (type, body) => {
        const env = signEnvelope(type, body, [signer(ed), signer(k1)]);
        const out = verifyEnvelope(JSON.parse(JSON.stringify(env)), [pub(k1), pub(ed)], {
          backend: nodeSuiteBackend,
        });
        return toHex(out.payload) === toHex(body) && out.payloadType === type;
      }),
      { numRuns: 40 },
    );
  });
  it('every suite id appears in SUITE_IDS exactly once', () => {
    expect(new Set(SUITE_IDS).size).toBe(SUITE_IDS.length);
  });
});
