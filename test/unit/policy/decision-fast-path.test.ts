/**
 * The complete-decision fast path: the UTF-8 writer of the request text, the shared parse buffer and
 * its re-entrancy guard, the slab that keeps parsed requests' bytes, evaluate's unshared copy of a raw
 * request, the mark-based intersection of posting lists, and the obligations built at compile time.
 * Each case compares with the slow definitions (JSON.stringify + TextEncoder, canonicalBytes of
 * requestDocument, parseRequest then evaluate) or checks a refusal.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bytesToHex } from '../../../src-shared/bytes.js';
import { canonicalBytes } from '../../../src-shared/canonical.js';
import { isQtError } from '../../../src-shared/errors.js';
import { hashTagged, nobleHashes, TAGS } from '../../../src-shared/hash.js';
import {
  compilePolicy,
  evaluate,
  parseRequest,
  requestDocument,
  requestHash,
  type Obligation,
} from '../../../src-shared/policy/index.js';
import { requestCanonicalBytes } from '../../../src-shared/policy/parse-request.js';
import { isCleanText } from '../../../src-shared/policy/strict-json.js';
import { asciiBytes, Utf8Writer } from '../../../src-shared/policy/utf8-writer.js';
import { nodeHashes } from '../../../src-main/crypto/node-backend.js';
import { policyArb, requestArb } from './arbitraries.js';
import { req, rule } from './fixtures.js';

/** The request hash by its definition (docs/formats.md): no fast path involved. */
function slowHash(raw: unknown): string {
  return bytesToHex(hashTagged(TAGS.request, canonicalBytes(requestDocument(parseRequest(raw)))));
}

function failure(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    return isQtError(e) ? `${e.code} ${e.path ?? ''} ${e.message}` : `not a QtError: ${String(e)}`;
  }
  return 'accepted';
}

/** Any UTF-16 code units, lone surrogates, controls, quotes and backslashes included. */
const units = fc.string({
  unit: fc.oneof(
    fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)),
    fc.constantFrom('"', '\\', '\u0000', '\u001f', '\u007f', '\u2028', '😀', '\ud800', '\udc00'),
  ),
  maxLength: 40,
});

describe('Utf8Writer', () => {
  it('writes JSON.stringify(s) as UTF-8, and refuses exactly the strings with lone surrogates', () => {
    fc.assert(
      fc.property(units, (s) => {
        const w = new Utf8Writer(1);
        const ok = w.string(s);
        expect(ok).toBe(isCleanText(s, true));
        if (ok) {
          expect(w.buf.subarray(0, w.pos)).toEqual(new TextEncoder().encode(JSON.stringify(s)));
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('refuses a high surrogate at the end, a low one alone and a reversed pair', () => {
    for (const s of ['a\ud800', '\udc00b', '\udc00\ud800', '\ud800\ud800'])
      expect(new Utf8Writer(4).string(s)).toBe(false);
    const w = new Utf8Writer(4);
    expect(w.string('\ud83d\ude00')).toBe(true);
    expect([...w.buf.subarray(0, w.pos)]).toEqual([0x22, 0xf0, 0x9f, 0x98, 0x80, 0x22]);
  });

  it('grows for single bytes, literals and text alike, keeping what was written', () => {
    const w = new Utf8Writer(1);
    w.byte(0x5b);
    w.byte(0x5d); // the buffer is full here: byte() must grow it
    w.bytes(asciiBytes('{"a":'));
    w.ascii('12345');
    w.string('é'.repeat(100));
    w.byte(0x7d);
    expect(new TextDecoder().decode(w.buf.subarray(0, w.pos))).toBe(`[]{"a":12345"${'é'.repeat(100)}"}`);
  });
});

describe('the shared parse buffer', () => {
  it('is not overwritten by a parse or an evaluation that a Proxy trap starts in the middle of a parse', () => {
    const inner = req({ action: 'inner', context: { deep: Array(6).fill('x'.repeat(1000)) } });
    const innerHash = slowHash(inner);
    const compiled = compilePolicy({ policy: 'p', version: 1, rules: [rule('a')] });
    const nested: string[] = [];
    const trap = new Proxy({ a: 1, b: 'two' } as Record<string, unknown>, {
      getOwnPropertyDescriptor(t, k) {
        nested.push(requestHash(parseRequest(inner)));
        nested.push(evaluate(compiled, inner).requestHash);
        return Reflect.getOwnPropertyDescriptor(t, k);
      },
    });
    const outer = req({ context: { p: trap, z: [1, 2, 3] } });
    const plain = req({ context: { p: { a: 1, b: 'two' }, z: [1, 2, 3] } });
    const viaParse = parseRequest(outer);
    expect(requestHash(viaParse)).toBe(slowHash(plain));
    expect(requestCanonicalBytes(viaParse)).toEqual(canonicalBytes(requestDocument(viaParse)));
    expect(evaluate(compiled, outer).requestHash).toBe(slowHash(plain));
    expect(nested.length).toBeGreaterThan(0);
    for (const h of nested) expect(h).toBe(innerHash);
  });

  it('is not overwritten when the caller-supplied hash function parses another request', () => {
    const other = req({ action: 'other', context: { s: Array(4).fill('y'.repeat(1000)) } });
    const compiled = compilePolicy({ policy: 'p', version: 1, rules: [rule('a')] });
    const reentrant = {
      ...nobleHashes,
      sha256: (data: Uint8Array) => {
        parseRequest(other);
        return nobleHashes.sha256(data);
      },
    };
    const raw = req({ context: { k: 'v' } });
    expect(evaluate(compiled, raw, { hashes: reentrant }).requestHash).toBe(slowHash(raw));
    expect(requestHash(parseRequest(raw), reentrant)).toBe(slowHash(raw));
  });

  it('keeps every parsed request its own bytes across many parses (slab reuse) and after a hash function writes into its input', () => {
    const raws = Array.from({ length: 300 }, (_, i) =>
      req({ action: `a${i}`, context: { i, s: 'z'.repeat(i % 97) } }),
    );
    const parsed = raws.map((r) => parseRequest(r));
    const scribbler = {
      ...nobleHashes,
      sha256: (data: Uint8Array) => {
        const digest = nobleHashes.sha256(data);
        data.fill(0x41); // a hostile backend must not reach the request's own bytes
        return digest;
      },
    };
    for (let i = 0; i < raws.length; i++) {
      const r = parsed[i]!;
      expect(requestHash(r, scribbler)).toBe(slowHash(raws[i]));
      expect(requestHash(r)).toBe(slowHash(raws[i]));
      expect(requestCanonicalBytes(r)).toEqual(canonicalBytes(requestDocument(r)));
    }
  });
});

describe("evaluate's copy of a raw request", () => {
  it('decides and hashes exactly as evaluate on parseRequest(raw) does', () => {
    fc.assert(
      fc.property(policyArb(false), requestArb(false), (doc, raw) => {
        const c = compilePolicy(doc);
        expect(evaluate(c, raw)).toEqual(evaluate(c, parseRequest(raw)));
      }),
      { numRuns: 300 },
    );
  });

  it('refuses every look-alike and malformed input with the error parseRequest gives', () => {
    const c = compilePolicy({ policy: 'p', version: 1, rules: [rule('a')] });
    const getter = Object.defineProperty({ a: 1 }, 'b', { get: () => 2, enumerable: true });
    const hidden = Object.defineProperty({ a: 1 }, 'b', { value: 2, enumerable: false });
    const groups = ['a'];
    Object.defineProperty(groups, 0, { get: () => 'b', enumerable: true });
    class Ctx {}
    const cases: unknown[] = [
      req({ context: getter }),
      req({ context: hidden }),
      req({ context: { a: 1, [Symbol('s')]: 2 } }),
      req({ context: new Ctx() }),
      req({ context: { a: [new Map()] } }),
      req({ subject: { id: 'x', groups } }),
      req({ context: { s: 'lone \udc00 low' } }),
      req({ context: { s: 'lone \ud800 high' } }),
      req({ context: { ['k\udc00']: 1 } }),
      req({ context: { ['k'.repeat(129)]: 1 } }),
      req({ context: { s: 'x'.repeat(1025) } }),
      req({ context: { n: Number.NaN } }),
      req({ context: { n: 2 ** 53 } }),
      req({ action: 'a\u0000' }),
      req({ resource: 'r\udc00' }),
      req({ time: '2026-11-26T13:40:00' }),
      req({ time: 5 }),
      { ...req(), extra: 1 },
      null,
      [],
    ];
    for (const raw of cases) {
      const viaParse = failure(() => parseRequest(raw));
      expect(viaParse).toMatch(/^QT_REQUEST_INVALID /);
      expect(failure(() => evaluate(c, raw))).toBe(viaParse);
    }
  });

  it('names a lone surrogate in a context value and in a context key', () => {
    expect(failure(() => parseRequest(req({ context: { s: 'x\udc00' } })))).toContain('$.context.s');
    expect(failure(() => parseRequest(req({ context: { ['\udc00']: 1 } })))).toContain('$.context key');
    expect(failure(() => parseRequest(req({ context: { a: ['\udc00'] } })))).toContain('$.context.a[0]');
  });
});

describe("evaluate's private copy of the context", () => {
  it('sees own names only, whatever they are called, exactly as the null-prototype copy of parseRequest', () => {
    const names = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', '__defineGetter__'];
    for (const name of names) {
      const c = compilePolicy({
        policy: 'p',
        version: 1,
        rules: [
          rule('has', { when: { exists: { attr: name } } }),
          rule('nested', { when: { eq: { attr: `o.${name}`, value: 'x' } } }),
        ],
      });
      const without = req({ context: { o: {} } });
      const withIt = req({ context: JSON.parse(`{"${name}": 7, "o": {"${name}": "x"}}`) as unknown });
      // Not inherited: an empty context has none of these names, at the top or one level down.
      const d0 = evaluate(c, without);
      expect(d0.decision, name).toBe('deny');
      expect(d0.rules).toEqual([]);
      expect(d0).toEqual(evaluate(c, parseRequest(without)));
      // Own: found, and read as the value given (a "__proto__" member is data, not a prototype).
      const d1 = evaluate(c, withIt);
      expect(d1.rules, name).toEqual(['has', 'nested']);
      expect(d1.errors).toEqual([]);
      expect(d1).toEqual(evaluate(c, parseRequest(withIt)));
    }
  });
});

describe('the index intersection', () => {
  it('finds the same rules after the marks wrap around', () => {
    const rules = [
      rule('a', { subjects: ['alice'], actions: ['read'], resources: ['doc'] }),
      rule('b', { subjects: ['group:ops'], actions: ['re*'], resources: ['d*'] }),
      rule('c', { subjects: ['bob'], actions: ['read'], resources: ['doc'] }),
      rule('d', { subjects: ['al*'], actions: ['write'], resources: ['doc'] }),
    ];
    const c = compilePolicy({ policy: 'p', version: 1, rules });
    const before = evaluate(c, req());
    expect(before.rules).toEqual(['a', 'b']);
    // Drive the per-call base to its limit: the next calls clear the marks and start again from 0.
    (c.marks as unknown as { next: number }).next = 0x7fff_fff0;
    for (let i = 0; i < 4; i++) expect(evaluate(c, req())).toEqual(before);
    expect((c.marks as unknown as { next: number }).next).toBeLessThan(100);
    expect(evaluate(c, req({ subject: { id: 'bob' } })).rules).toEqual(['c']);
    expect(evaluate(c, req({ subject: { id: 'alex' }, action: 'write' })).rules).toEqual(['d']);
  });

  it('returns many matching rules in id order, each once', () => {
    const rules = Array.from({ length: 60 }, (_, i) =>
      rule(`r${String(i).padStart(2, '0')}`, {
        subjects: i % 2 === 0 ? ['alice', 'al*', 'group:ops'] : ['group:staff', '*'],
        actions: ['read', 're*', '*'],
        resources: i % 3 === 0 ? ['doc', 'do*'] : ['*'],
      }),
    );
    const d = evaluate(compilePolicy({ policy: 'p', version: 1, rules: rules.reverse() }), req());
    expect(d.rules).toEqual(rules.map((r) => r.id).sort());
  });
});

describe('obligations built at compile time', () => {
  it('are frozen, shared, and a callback that tries to change one neither succeeds nor affects later decisions', () => {
    const c = compilePolicy({
      policy: 'p',
      version: 1,
      rules: [
        rule('a', { approvals: { quorum: 2, from: ['leads'] }, grantTtlSeconds: 60 }),
        rule('b', { approvals: { quorum: 1, from: ['ops'] } }),
        rule('c'),
      ],
    });
    const seen: Obligation[] = [];
    const meddler = (ob: Obligation): boolean => {
      seen.push(ob);
      (ob as { quorum: number }).quorum = 0; // throws: the obligation is frozen
      return true;
    };
    const d = evaluate(c, req(), { approvals: meddler });
    expect(d.decision).toBe('pending');
    expect(seen.length).toBeGreaterThan(0);
    const again = evaluate(c, req(), { approvals: new Map([['a', 2]]) });
    expect(again.obligations).toEqual([
      { ruleId: 'a', quorum: 2, from: ['leads'], allowRequester: false, grantTtlSeconds: 60 },
      { ruleId: 'b', quorum: 1, from: ['ops'], allowRequester: false },
    ]);
    expect(again.obligations.every((ob) => Object.isFrozen(ob))).toBe(true);
    expect(again.obligations[0]).toBe(d.obligations[0]);
    expect(again.grantTtlSeconds).toBe(60);
    expect(again.decision).toBe('pending');
    expect(
      evaluate(c, req(), {
        approvals: new Map<string, number | boolean>([
          ['a', 2],
          ['b', true],
        ]),
      }).decision,
    ).toBe('allow');
  });
});

describe('hex digests from the hash backend (HashPrimitives.sha256Hex)', () => {
  const compiled = compilePolicy({ policy: 'p', version: 1, rules: [rule('a')] });
  const hexBackend = { ...nobleHashes, sha256Hex: (d: Uint8Array) => bytesToHex(nobleHashes.sha256(d)) };

  it('gives the request hash of its definition, through evaluate and requestHash', () => {
    fc.assert(
      fc.property(requestArb(false), (raw) => {
        const expected = slowHash(raw);
        return (
          evaluate(compiled, raw, { hashes: hexBackend }).requestHash === expected &&
          requestHash(parseRequest(raw), hexBackend) === expected &&
          requestHash(parseRequest(raw), nodeHashes) === expected &&
          evaluate(compiled, raw, { hashes: nodeHashes }).requestHash === expected
        );
      }),
      { numRuns: 100 },
    );
  });

  it('refuses a hex function that is not one or answers anything but 64 characters', () => {
    const bad: unknown[] = [() => 'ab', () => 7, () => 'x'.repeat(65), 'not a function'];
    for (const sha256Hex of bad) {
      const hashes = { ...nobleHashes, sha256Hex } as never;
      expect(failure(() => evaluate(compiled, req(), { hashes }))).toMatch(/^QT_TYPE hashes\.sha256Hex /);
      expect(failure(() => requestHash(parseRequest(req()), hashes))).toMatch(/^QT_TYPE hashes\.sha256Hex /);
    }
  });
});
