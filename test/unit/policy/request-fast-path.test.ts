/**
 * parseRequest's single-pass reader and requestHash's in-place encoding: look-alike objects (getters,
 * hidden and symbol keys, proxies that change their answers), escapes, many keys, long texts and
 * misbehaving hash backends. Each case checks the refusal path or equality with the slow definitions
 * (canonicalBytes of requestDocument, hashTagged).
 */
import { describe, expect, it } from 'vitest';
import { bytesToHex } from '../../../src-shared/bytes.js';
import { canonicalBytes } from '../../../src-shared/canonical.js';
import { isQtError } from '../../../src-shared/errors.js';
import { hashTagged, nobleHashes, TAGS } from '../../../src-shared/hash.js';
import {
  isParsedRequest,
  parseRequest,
  requestDocument,
  requestHash,
} from '../../../src-shared/policy/index.js';
import { requestCanonicalBytes } from '../../../src-shared/policy/parse-request.js';
import { req } from './fixtures.js';

function refusal(r: unknown): { code: string; path: string | undefined; message: string } {
  try {
    parseRequest(r);
  } catch (e) {
    if (!isQtError(e)) throw e;
    return { code: e.code, path: e.path, message: e.message };
  }
  throw new Error('accepted');
}

/** The request hash both ways: the fast path, and the definition from docs/policy.md. */
function bothHashes(raw: unknown): [string, string] {
  const r = parseRequest(raw);
  expect(requestCanonicalBytes(r)).toEqual(canonicalBytes(requestDocument(r)));
  return [requestHash(r), bytesToHex(hashTagged(TAGS.request, canonicalBytes(requestDocument(r))))];
}

describe('parseRequest refuses look-alike objects at every level', () => {
  it('getters, hidden keys and symbol keys', () => {
    const getter = (o: Record<string, unknown>, key: string) =>
      Object.defineProperty(o, key, { get: () => 'x', enumerable: true });
    expect(refusal(getter(req(), 'action')).path).toBe('$.action');
    expect(refusal(req({ subject: getter({}, 'id') })).path).toBe('$.subject.id');
    expect(refusal(req({ context: getter({ a: 1 }, 'b') })).path).toBe('$.context.b');
    const hidden = Object.defineProperty({ a: 1 }, 'b', { value: 2, enumerable: false });
    const e = refusal(req({ context: hidden }));
    expect([e.path, e.message]).toEqual([
      '$.context.b',
      '$.context.b: must be an enumerable data property, not an accessor',
    ]);
    const sym = { a: 1, [Symbol('s')]: 2 };
    expect(refusal(req({ subject: { id: 'a', [Symbol('s')]: 1 } })).message).toContain('symbol');
    expect(refusal(req({ context: sym })).path).toBe('$.context');
    const groups = ['a'];
    Object.defineProperty(groups, 0, { get: () => 'b', enumerable: true });
    expect(refusal(req({ subject: { id: 'a', groups } })).path).toBe('$.subject.groups[0]');
    class Req {}
    expect(refusal(Object.assign(new Req(), req())).path).toBe('$');
  });

  it('proxies whose traps change their answers between calls', () => {
    let calls = 0;
    const unstable = new Proxy({ a: 1 } as Record<string, unknown>, {
      ownKeys: (t) => (++calls === 2 ? ['a', 'b'] : Reflect.ownKeys(t)),
    });
    expect(refusal(req({ context: unstable })).message).toContain('stable own properties');
    let reads = 0;
    const vanishing = new Proxy({ a: 1 } as Record<string, unknown>, {
      getOwnPropertyDescriptor: (t, k) => (++reads > 1 ? undefined : Reflect.getOwnPropertyDescriptor(t, k)),
    });
    expect(refusal(req({ context: vanishing })).path).toBe('$.context.a');
  });

  it('groups: wrong types, empty, control characters, repeats', () => {
    const cases: [unknown[], string][] = [
      [[1], '$.subject.groups[0]'],
      [['ok', ''], '$.subject.groups[1]'],
      [['a\u0007'], '$.subject.groups[0]'],
      [['g'.repeat(129)], '$.subject.groups[0]'],
      [['a', 'b', 'a'], '$.subject.groups'],
    ];
    for (const [groups, path] of cases)
      expect(refusal(req({ subject: { id: 'x', groups } })).path).toBe(path);
  });

  it('missing keys, and a parsed request is not re-parsed but a copy of one is', () => {
    const { action: _a, ...noAction } = req();
    expect(refusal(noAction).message).toContain('missing required key "action"');
    expect(refusal(req({ subject: { groups: [] } })).message).toContain('missing required key "id"');
    const r = parseRequest(req());
    expect(isParsedRequest(r) && !isParsedRequest({ ...r }) && !isParsedRequest(structuredClone(r))).toBe(
      true,
    );
    expect(Object.isFrozen(r) && Object.isFrozen(r.subject) && Object.isFrozen(r.subject.groups)).toBe(true);
  });
});

describe('the canonical text written while parsing', () => {
  it('escapes quotes, backslashes and control characters in names and values', () => {
    const context = {
      'a"b': 'q"uote',
      'b\\': 'back\\slash',
      c: 'tab\tnew\nline\u0001',
      d: ['\u2028é😀'],
      é: -0,
    };
    const [fast, slow] = bothHashes(req({ context, action: 'say "hi"', resource: 'C:\\dir' }));
    expect(fast).toBe(slow);
    expect(bothHashes(req({ subject: { id: 'x', groups: ['a"b', 'c\\d'] } }))[0]).toBe(
      bothHashes(req({ subject: { id: 'x', groups: ['a"b', 'c\\d'] } }))[1],
    );
  });

  it('sorts many members, integer-like names included, by UTF-16 code units', () => {
    const context: Record<string, unknown> = {};
    for (let i = 40; i >= 0; i--)
      context[i % 2 === 0 ? `k${i}` : String(i)] = { [`z${i}`]: i, a: [i, null, true] };
    context['\u{1F600}'] = 1;
    context['\uFB01'] = 2; // sorts after U+1F600's high surrogate (0xD83D) by code units
    const [fast, slow] = bothHashes(req({ context }));
    expect(fast).toBe(slow);
  });

  it('grows its buffer for long requests, and does not keep buffers past 64 KiB', () => {
    const mid = { s: 'é'.repeat(1000), t: Array(20).fill('x'.repeat(200)) };
    const big = { t: Array(500).fill('\u4e2d'.repeat(1000)) };
    for (const context of [mid, big, {}, mid]) {
      const [fast, slow] = bothHashes(req({ context }));
      expect(fast).toBe(slow);
    }
  });

  it('hashes with any backend, and refuses a backend returning a digest of the wrong size or type', () => {
    const r = parseRequest(req());
    expect(requestHash(r, nobleHashes)).toBe(bothHashes(req())[1]);
    const short = { ...nobleHashes, sha256: () => new Uint8Array(31) };
    expect(() => requestHash(r, short)).toThrow(expect.objectContaining({ code: 'QT_RANGE' }));
    const wrong = { ...nobleHashes, sha256: () => Array(32).fill(0) as unknown as Uint8Array };
    expect(() => requestHash(r, wrong)).toThrow(expect.objectContaining({ code: 'QT_TYPE' }));
    expect(requestHash(req() as never)).toBe(requestHash(r));
  });
});
