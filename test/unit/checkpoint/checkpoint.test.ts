import { createHash, createPrivateKey, sign as nodeSign } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bytesToHex, utf8ToBytes } from '../../../src-shared/bytes.js';
import {
  checkpointHash,
  EM_DASH,
  formatCheckpoint,
  parseCheckpoint,
  parseCheckpointBody,
  signCheckpoint,
  verifyCheckpoint,
  type CheckpointBody,
  type CheckpointKey,
  type CheckpointSigner,
} from '../../../src-shared/checkpoint/index.js';
import { hashTagged, TAGS } from '../../../src-shared/hash.js';
import { emptyRoot } from '../../../src-shared/merkle/index.js';
import { getSuite, secretKeyEntry, type SuiteId } from '../../../src-shared/sign/index.js';

const ORIGIN = 'qtrust.example/tenant-a/evidence';

function signer(suite: SuiteId, seedByte: number, name = ORIGIN): CheckpointSigner {
  const s = getSuite(suite);
  const pair = s.keygen(new Uint8Array(s.seedLength).fill(seedByte));
  return { ...secretKeyEntry(pair), name };
}
const trustOf = (s: CheckpointSigner): CheckpointKey => ({
  name: s.name,
  suite: s.suite,
  publicKey: s.publicKey,
});

const ed = signer('ed25519', 1);
const ml = signer('ml-dsa-65', 2);
const hybrid = [ed, ml];
const trusted = hybrid.map(trustOf);

const root = Uint8Array.from({ length: 32 }, (_, i) => i);
const prev = Uint8Array.from({ length: 32 }, (_, i) => 255 - i);
const body: CheckpointBody = {
  origin: ORIGIN,
  treeSize: 1234,
  rootHash: root,
  prev,
  time: '2026-11-26T13:45:00Z',
};
const signed = signCheckpoint(body, hybrid);
const b64 = (b: Uint8Array): string => Buffer.from(b).toString('base64');

function code(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    return (e as { code?: string }).code ?? String(e);
  }
  return 'no error';
}

describe('formatCheckpoint / parseCheckpointBody', () => {
  it('writes the C2SP lines then the extension lines', () => {
    expect(formatCheckpoint(body)).toBe(
      `${ORIGIN}\n1234\n${b64(root)}\nprev ${bytesToHex(prev)}\ntime 2026-11-26T13:45:00Z\n`,
    );
    expect(formatCheckpoint({ origin: 'a', treeSize: 0, rootHash: emptyRoot() })).toBe(
      'a\n0\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n',
    );
  });

  it('round-trips random bodies', () => {
    const name = fc.stringMatching(/^[\x21-\x2a\x2c-\x7e]{1,40}$/);
    const hash = fc.uint8Array({ minLength: 32, maxLength: 32 });
    const time = fc
      .date({
        min: new Date('1970-01-01T00:00:00Z'),
        max: new Date('9999-12-31T23:59:59Z'),
        noInvalidDate: true,
      })
      .map((d) => d.toISOString());
    fc.assert(
      fc.property(
        fc.record(
          {
            origin: name,
            treeSize: fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
            rootHash: hash,
            prev: hash,
            time,
          },
          { requiredKeys: ['origin', 'treeSize', 'rootHash'] },
        ),
        (b) => {
          const text = formatCheckpoint(b);
          const back = parseCheckpointBody(text);
          expect(back).toEqual(b);
          expect(formatCheckpoint(back)).toBe(text);
        },
      ),
    );
  });

  it('refuses malformed body objects', () => {
    const bad: [unknown, string][] = [
      [null, 'QT_TYPE'],
      [[], 'QT_TYPE'],
      [{ ...body, extra: 1 }, 'QT_CHECKPOINT_FORMAT'],
      [{ ...body, origin: 'has space' }, 'QT_CHECKPOINT_FORMAT'],
      [{ ...body, origin: 'a+b' }, 'QT_CHECKPOINT_FORMAT'],
      [{ ...body, origin: '' }, 'QT_CHECKPOINT_FORMAT'],
      [{ ...body, origin: 7 }, 'QT_CHECKPOINT_FORMAT'],
      [{ ...body, treeSize: -1 }, 'QT_RANGE'],
      [{ ...body, treeSize: 1.5 }, 'QT_TYPE'],
      [{ ...body, treeSize: '5' }, 'QT_TYPE'],
      [{ ...body, rootHash: new Uint8Array(31) }, 'QT_MERKLE_HASH_LENGTH'],
      [{ ...body, rootHash: b64(root) }, 'QT_TYPE'],
      [{ ...body, prev: new Uint8Array(0) }, 'QT_MERKLE_HASH_LENGTH'],
      [{ ...body, time: '2026-11-26T13:45:00+01:00' }, 'QT_TIME_FORMAT'],
      [{ ...body, treeSize: 0 }, 'QT_CHECKPOINT_FORMAT'],
    ];
    for (const [b, want] of bad)
      expect(
        code(() => formatCheckpoint(b as CheckpointBody)),
        JSON.stringify(b),
      ).toBe(want);
  });

  const good = formatCheckpoint(body);
  const lines = good.slice(0, -1).split('\n');
  const withLine = (i: number, line: string | null): string => {
    const copy = [...lines];
    if (line === null) copy.splice(i, 1);
    else copy[i] = line;
    return `${copy.join('\n')}\n`;
  };
  it.each([
    ['missing final newline', good.slice(0, -1)],
    ['fewer than three lines', `${ORIGIN}\n5\n`],
    ['origin with a space', withLine(0, 'a b')],
    ['origin with a plus', withLine(0, 'a+b')],
    ['empty origin', withLine(0, '')],
    ['size with a leading zero', withLine(1, '01234')],
    ['negative size', withLine(1, '-1')],
    ['size with a plus', withLine(1, '+1234')],
    ['size in hex', withLine(1, '0x4d2')],
    ['size with spaces', withLine(1, ' 1234')],
    ['size above 2^53 - 1', withLine(1, '9007199254740992')],
    ['size with 17 digits', withLine(1, '12345678901234567')],
    ['empty size', withLine(1, '')],
    ['size with exponent', withLine(1, '1e3')],
    ['size 0 with a non-empty root', withLine(1, '0')],
    ['root without padding', withLine(2, b64(root).replace('=', ''))],
    ['root in base64url', withLine(2, b64(prev).replace(/\+/g, '-').replace(/\//g, '_'))],
    ['root with non-canonical bits', withLine(2, `${b64(root).slice(0, 42)}B=`)],
    ['root of 31 bytes', withLine(2, b64(root.subarray(1)))],
    ['root of 33 bytes', withLine(2, b64(new Uint8Array(33)))],
    ['root as hex', withLine(2, bytesToHex(root))],
    ['prev in upper-case hex', withLine(3, `prev ${bytesToHex(prev).toUpperCase()}`)],
    ['prev too short', withLine(3, `prev ${bytesToHex(prev).slice(2)}`)],
    ['prev in base64', withLine(3, `prev ${b64(prev)}`)],
    ['prev with two spaces', withLine(3, `prev  ${bytesToHex(prev)}`)],
    ['time with an offset', withLine(4, 'time 2026-11-26T13:45:00+00:00')],
    ['time as Unix milliseconds', withLine(4, 'time 1795700700000')],
    ['unknown extension line', `${good}note hello\n`],
    ['extension lines out of order', `${lines.slice(0, 3).join('\n')}\n${lines[4]}\n${lines[3]}\n`],
    ['repeated prev', `${lines.slice(0, 4).join('\n')}\n${lines[3]}\n`],
    ['empty extension line', `${lines.slice(0, 3).join('\n')}\n\n${lines[3]}\n`],
  ])('refuses a body with %s (QT_CHECKPOINT_FORMAT)', (_name, text) => {
    expect(code(() => parseCheckpointBody(text))).toBe('QT_CHECKPOINT_FORMAT');
  });

  it('refuses a non-string body with QT_TYPE', () => {
    expect(code(() => parseCheckpointBody(utf8ToBytes(good)))).toBe('QT_TYPE');
  });
});

describe('signCheckpoint / verifyCheckpoint', () => {
  it('produces one signature line per suite and verifies with both', () => {
    expect(signed.startsWith(`${formatCheckpoint(body)}\n`)).toBe(true);
    const sigLines = signed.slice(formatCheckpoint(body).length + 1, -1).split('\n');
    expect(sigLines).toHaveLength(2);
    for (const line of sigLines) expect(line.startsWith(`${EM_DASH} ${ORIGIN} `)).toBe(true);
    const v = verifyCheckpoint(signed, trusted, { origin: ORIGIN });
    expect(v.body).toEqual(body);
    expect(v.verifiedBy).toEqual([
      { name: ORIGIN, suite: 'ed25519' },
      { name: ORIGIN, suite: 'ml-dsa-65' },
    ]);
    expect(parseCheckpoint(signed).body).toEqual(body);
  });

  it('writes the Ed25519 line exactly as an independent signed-note implementation would', () => {
    // node:crypto Ed25519 from the same 32-byte seed (PKCS#8 wrapping, RFC 8410), key hash by hand.
    const pkcs8 = Buffer.concat([
      Buffer.from('302e020100300506032b657004220420', 'hex'),
      Buffer.from(ed.secretKey),
    ]);
    const key = createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' });
    const text = Buffer.from(formatCheckpoint(body), 'utf8');
    const sig = nodeSign(null, text, key);
    const keyHash = createHash('sha256')
      .update(Buffer.concat([Buffer.from(ORIGIN), Buffer.from([0x0a, 0x01]), Buffer.from(ed.publicKey)]))
      .digest()
      .subarray(0, 4);
    const line = `\u2014 ${ORIGIN} ${Buffer.concat([keyHash, sig]).toString('base64')}\n`;
    expect(signed).toContain(`\n\n${line}`);
  });

  it('is deterministic for deterministic suites', () => {
    expect(signCheckpoint(body, hybrid)).toBe(signed);
  });

  it('fails when either suite of the hybrid set is missing', () => {
    expect(code(() => verifyCheckpoint(signCheckpoint(body, [ed]), trusted))).toBe('QT_CHECKPOINT_SIGNATURE');
    expect(code(() => verifyCheckpoint(signCheckpoint(body, [ml]), trusted))).toBe('QT_CHECKPOINT_SIGNATURE');
  });

  it('fails when either suite of the hybrid set is signed by the wrong key', () => {
    const otherEd = signer('ed25519', 9);
    const otherMl = signer('ml-dsa-65', 9);
    expect(code(() => verifyCheckpoint(signCheckpoint(body, [otherEd, ml]), trusted))).toBe(
      'QT_CHECKPOINT_SIGNATURE',
    );
    expect(code(() => verifyCheckpoint(signCheckpoint(body, [ed, otherMl]), trusted))).toBe(
      'QT_CHECKPOINT_SIGNATURE',
    );
  });

  it('fails when a trusted key line carries a bad signature', () => {
    const lines = signed.split('\n');
    const sigLine = lines[lines.length - 2] as string; // the ML-DSA line
    const blob = Buffer.from(sigLine.split(' ')[2] as string, 'base64');
    blob[10] = (blob[10] as number) ^ 1;
    const tampered = signed.replace(sigLine, `${EM_DASH} ${ORIGIN} ${blob.toString('base64')}`);
    expect(code(() => verifyCheckpoint(tampered, trusted))).toBe('QT_CHECKPOINT_SIGNATURE');
    // The same bad line also fails if a valid duplicate line for that key is present.
    expect(
      code(() => verifyCheckpoint(`${signed}${EM_DASH} ${ORIGIN} ${blob.toString('base64')}\n`, trusted)),
    ).toBe('QT_CHECKPOINT_SIGNATURE');
  });

  it('ignores lines from unknown keys and never counts them', () => {
    const witness = signer('ed25519', 5, 'witness.example/w1');
    const witnessed = `${signed}${signCheckpoint(body, [witness]).split('\n\n')[1] as string}`;
    expect(verifyCheckpoint(witnessed, trusted).verifiedBy).toHaveLength(2);
    // A line with a trusted name but an unknown key hash is ignored too: it cannot stand in for ml-dsa-65.
    const impostor = signer('ed25519', 6);
    const onlyEdPlusImpostor = signCheckpoint(body, [ed, impostor]);
    expect(code(() => verifyCheckpoint(onlyEdPlusImpostor, trusted))).toBe('QT_CHECKPOINT_SIGNATURE');
    // Trusting only the witness verifies the witness line alone.
    expect(verifyCheckpoint(witnessed, [trustOf(witness)]).verifiedBy).toEqual([
      { name: 'witness.example/w1', suite: 'ed25519' },
    ]);
  });

  it('refuses a checkpoint from another origin when one is expected', () => {
    const other = signCheckpoint({ ...body, origin: 'qtrust.example/tenant-b/evidence' }, hybrid);
    expect(verifyCheckpoint(other, trusted).body.origin).toBe('qtrust.example/tenant-b/evidence');
    expect(code(() => verifyCheckpoint(other, trusted, { origin: ORIGIN }))).toBe('QT_CHECKPOINT_ORIGIN');
  });

  it('fails on a tampered size, root, prev or time', () => {
    const text = formatCheckpoint(body);
    const variants = [
      text.replace('\n1234\n', '\n1235\n'),
      text.replace(b64(root), b64(prev)),
      text.replace(bytesToHex(prev), bytesToHex(root)),
      text.replace('13:45:00Z', '13:45:01Z'),
      text.replace(`prev ${bytesToHex(prev)}\n`, ''),
      text.replace('time 2026-11-26T13:45:00Z\n', ''),
    ];
    for (const tampered of variants) {
      expect(tampered).not.toBe(text);
      expect(code(() => verifyCheckpoint(signed.replace(text, tampered), trusted))).toBe(
        'QT_CHECKPOINT_SIGNATURE',
      );
    }
  });

  it('refuses malformed signed notes with QT_CHECKPOINT_FORMAT', () => {
    const [bodyText, sigs] = signed.split('\n\n') as [string, string];
    const first = sigs.split('\n')[0] as string;
    const cases = [
      `${bodyText}\n`,
      `${bodyText}\n\n`,
      signed.slice(0, -1),
      signed.replace(EM_DASH, '-'),
      signed.replace(`${EM_DASH} `, `${EM_DASH}  `),
      signed.replace(first, `${first} extra`),
      signed.replace(first, `${first.slice(0, -2)}`),
      signed.replace(first, `${EM_DASH} ${ORIGIN} AAAA`),
      signed.replace(first, `${EM_DASH} bad+name ${first.split(' ')[2] as string}`),
      signed.replace('\n', '\r\n'),
      signed.replace('1234', '12\t34'),
      `\u0000${signed}`,
      signed.replace(ORIGIN, `${ORIGIN}\ud800`),
      `${bodyText}\n\n${`${first}\n`.repeat(33)}`,
      `${'x'.repeat(256 * 1024)}\n\n${first}\n`,
      `${bodyText}\nextra line\n\n${sigs}`,
    ];
    for (const text of cases) {
      expect(
        code(() => verifyCheckpoint(text, trusted)),
        JSON.stringify(text.slice(0, 120)),
      ).toBe('QT_CHECKPOINT_FORMAT');
    }
    expect(code(() => parseCheckpoint(42))).toBe('QT_TYPE');
    expect(code(() => verifyCheckpoint(signed.replace(ORIGIN, `${ORIGIN}\udc00`), trusted))).toBe(
      'QT_CHECKPOINT_FORMAT',
    );
    expect(code(() => verifyCheckpoint(signed.replace(ORIGIN, `${ORIGIN}\ud83d\ude00`), trusted))).toBe(
      'QT_CHECKPOINT_FORMAT',
    );
  });

  it('refuses bad trusted key lists', () => {
    const bad: [unknown, string][] = [
      [[], 'QT_CHECKPOINT_KEY'],
      ['x', 'QT_CHECKPOINT_KEY'],
      [Array.from({ length: 33 }, () => trusted[0]), 'QT_CHECKPOINT_KEY'],
      [[{ ...trusted[0], name: 'a b' }], 'QT_CHECKPOINT_KEY'],
      [[{ ...trusted[0], suite: 'rsa' }], 'QT_UNKNOWN_SUITE'],
      [[{ ...trusted[0], publicKey: new Uint8Array(31) }], 'QT_RANGE'],
      [[null], 'QT_TYPE'],
      [[trusted[0], trusted[1], trusted[0]], 'QT_CHECKPOINT_KEY'],
    ];
    for (const [t, want] of bad)
      expect(code(() => verifyCheckpoint(signed, t as CheckpointKey[]))).toBe(want);
    expect(code(() => verifyCheckpoint(signed, trusted, null as never))).toBe('QT_TYPE');
    expect(code(() => verifyCheckpoint(signed, trusted, { origin: 5 as never }))).toBe('QT_TYPE');
  });

  it('refuses bad signer lists', () => {
    const bad: [unknown, string][] = [
      [[], 'QT_CHECKPOINT_KEY'],
      [undefined, 'QT_CHECKPOINT_KEY'],
      [Array.from({ length: 33 }, () => ed), 'QT_CHECKPOINT_KEY'],
      [[{ ...ed, name: 'a+b' }], 'QT_CHECKPOINT_KEY'],
      [[{ ...ed, name: undefined }], 'QT_CHECKPOINT_KEY'],
      [[{ ...ed, keyid: ml.keyid }], 'QT_KEYID_MISMATCH'],
      [[{ ...ed, secretKey: new Uint8Array(3) }], 'QT_RANGE'],
      [[{ ...ed, secretKey: signer('ed25519', 8).secretKey }], 'QT_CHECKPOINT_KEY'],
      [[ed, ed], 'QT_CHECKPOINT_KEY'],
      [['not an object'], 'QT_TYPE'],
    ];
    for (const [s, want] of bad) {
      expect(
        code(() => signCheckpoint(body, s as CheckpointSigner[])),
        JSON.stringify(want),
      ).toBe(want);
    }
  });

  it('uses an injected backend for signing and verifying', () => {
    let signs = 0;
    let verifies = 0;
    const suite = getSuite('ed25519');
    const backend = {
      ed25519: {
        sign: (sk: Uint8Array, m: Uint8Array) => (signs++, suite.sign(sk, m)),
        verify: (pk: Uint8Array, m: Uint8Array, s: Uint8Array) => (verifies++, suite.verify(pk, m, s)),
      },
    };
    const text = signCheckpoint(body, [ed], backend);
    verifyCheckpoint(text, [trustOf(ed)], { backend });
    expect([signs, verifies]).toEqual([1, 2]);
  });
});

describe('checkpointHash', () => {
  it('is H(qtrust/checkpoint/v1, full signed text)', () => {
    expect(bytesToHex(checkpointHash(signed))).toBe(
      bytesToHex(hashTagged(TAGS.checkpoint, utf8ToBytes(signed))),
    );
    expect(bytesToHex(checkpointHash(signed))).not.toBe(
      bytesToHex(checkpointHash(signCheckpoint(body, [ed]))),
    );
  });

  it('links checkpoints: prev of the next is the hash of the previous', () => {
    const next = signCheckpoint({ ...body, treeSize: 2000, prev: checkpointHash(signed) }, hybrid);
    expect(verifyCheckpoint(next, trusted).body.prev).toEqual(checkpointHash(signed));
  });

  it('refuses text that is not a signed checkpoint', () => {
    expect(code(() => checkpointHash(formatCheckpoint(body)))).toBe('QT_CHECKPOINT_FORMAT');
  });
});
