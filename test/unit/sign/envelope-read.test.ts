/**
 * The parts verifyEnvelope is made of (src-shared/sign/envelope.ts), for verifiers that check many
 * envelopes against the same keys: readEnvelope (parseEnvelope keeping the decoded bytes),
 * checkRequiredKeys and verifyReadEnvelope. Composed, they give verifyEnvelope's verdicts.
 */
import { describe, expect, it } from 'vitest';
import { fromBase64url } from '../../../src-shared/bytes.js';
import { checkRequiredKeys, readEnvelope, verifyReadEnvelope } from '../../../src-shared/sign/envelope.js';
import {
  parseEnvelope,
  publicKeyEntry,
  signEnvelope,
  verifyEnvelope,
  type Envelope,
} from '../../../src-shared/sign/index.js';
import { fixedKey, signer, utf8 } from './helpers.js';

const TYPE = 'application/vnd.qtrust.grant+json';
const payload = utf8('{"grant":"g-1"}');
const ed = fixedKey('ed25519');
const k1 = fixedKey('secp256k1');
const other = fixedKey('ed25519', 7);
const pub = (k: ReturnType<typeof fixedKey>) => publicKeyEntry(k.suite, k.publicKey);
const env = signEnvelope(TYPE, payload, [signer(ed), signer(k1)]);
const code = (c: string, path?: string) =>
  expect.objectContaining(path === undefined ? { code: c } : { code: c, path });

describe('readEnvelope', () => {
  it('is parseEnvelope with the payload and signatures decoded once', () => {
    const read = readEnvelope(env);
    expect(read.envelope).toEqual(parseEnvelope(env));
    expect(read.payload).toEqual(payload);
    expect(read.sigs).toEqual(env.signatures.map((s) => fromBase64url(s.sig)));
  });

  it('refuses what parseEnvelope refuses, with the same error', () => {
    const bad: unknown[] = [
      null,
      { ...env, extra: 1 },
      { ...env, payload: '!' },
      { ...env, signatures: [] },
      { ...env, signatures: [env.signatures[0], env.signatures[0]] },
      { ...env, signatures: [{ ...env.signatures[0], sig: 'AAAA' }] },
    ];
    for (const b of bad) {
      let expected: unknown;
      try {
        parseEnvelope(b);
      } catch (e) {
        expected = e;
      }
      expect(expected).toBeDefined();
      expect(() => readEnvelope(b)).toThrow((expected as Error).message);
    }
  });
});

describe('checkRequiredKeys and verifyReadEnvelope', () => {
  it('verify as verifyEnvelope does', () => {
    const keys = checkRequiredKeys([pub(ed), pub(k1)]);
    const v = verifyReadEnvelope(readEnvelope(env), keys);
    expect(v).toEqual(verifyEnvelope(env, [pub(ed), pub(k1)]));
    expect(v.keyids).toEqual([pub(ed).keyid, pub(k1).keyid]);
  });

  it('a required key without a signature, and a signature that does not verify', () => {
    expect(() => verifyReadEnvelope(readEnvelope(env), checkRequiredKeys([pub(other)]))).toThrow(
      code('QT_SIGNATURE_MISSING', '$.signatures'),
    );
    // The Ed25519 entry carries a valid signature, but over another payload.
    const forged = JSON.parse(JSON.stringify(env)) as Envelope;
    const i = forged.signatures.findIndex((s) => s.suite === 'ed25519');
    const entry = forged.signatures[i] as Envelope['signatures'][number];
    entry.sig = signEnvelope(TYPE, utf8('x'), [signer(ed)]).signatures[0]?.sig as string;
    expect(() => verifyReadEnvelope(readEnvelope(forged), checkRequiredKeys([pub(ed)]))).toThrow(
      code('QT_SIGNATURE_INVALID', `$.signatures[${i}].sig`),
    );
  });

  it('checkRequiredKeys refuses empty, duplicated and mismatched key sets', () => {
    expect(() => checkRequiredKeys([])).toThrow(code('QT_RANGE', 'required'));
    expect(() => checkRequiredKeys('x' as never)).toThrow(code('QT_TYPE', 'required'));
    expect(() => checkRequiredKeys([pub(ed), pub(ed)])).toThrow(code('QT_KEY_DUPLICATE', 'required[1]'));
    expect(() => checkRequiredKeys([{ ...pub(ed), keyid: pub(other).keyid }])).toThrow(
      code('QT_KEYID_MISMATCH', 'required[0].keyid'),
    );
  });
});
