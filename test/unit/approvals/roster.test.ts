import { describe, expect, it } from 'vitest';
import { canonicalize } from '../../../src-shared/canonical.js';
import { utf8ToBytes } from '../../../src-shared/bytes.js';
import {
  ROSTER_PAYLOAD_TYPE,
  isVerifiedRoster,
  parseRoster,
  rosterToJson,
  signRoster,
  verifyRoster,
} from '../../../src-shared/approvals/roster.js';
import { signEnvelope } from '../../../src-shared/sign/index.js';
import { ADMIN, ADMIN_PUB, MALLORY, PEOPLE, b64, caught, key, pub, rosterDoc } from './fixtures.js';

type Doc = ReturnType<typeof rosterDoc> & { approvers: Record<string, unknown>[] };
const doc = () => JSON.parse(JSON.stringify(rosterDoc())) as Doc;
const approvers = (d: Doc) =>
  d.approvers as { id: string; keys: Record<string, unknown>[]; groups: string[] }[];

describe('parseRoster', () => {
  it('parses people, groups and hybrid key sets', () => {
    const r = parseRoster(rosterDoc());
    expect(r.roster).toBe('ops');
    expect(r.version).toBe(1);
    expect(r.approvers.map((a) => a.id)).toEqual(['alice', 'bob', 'carol', 'dave', 'erin']);
    expect(r.approvers[0]?.name).toBe('Alice A.');
    expect(r.approvers[1]).not.toHaveProperty('name');
    expect(r.approvers[1]?.groups).toEqual(['sre', 'security']);
    expect(r.approvers[1]?.keys).toEqual(PEOPLE.bob.keys.map(pub));
    expect(Object.isFrozen(r) && Object.isFrozen(r.approvers[0])).toBe(true);
    expect(parseRoster(JSON.stringify(rosterDoc()))).toEqual(r);
    expect(canonicalize(rosterToJson(r))).toBe(canonicalize(rosterDoc()));
  });

  it('refuses one key id listed for two people, or twice for one', () => {
    const d = doc();
    approvers(d)[1]!.keys[0] = approvers(d)[0]!.keys[0]!;
    const e = caught(() => parseRoster(d));
    expect(e.code).toBe('QT_ROSTER_DUPLICATE_KEY');
    expect(e.path).toBe('$.approvers[1].keys[0].keyid');
    const d2 = doc();
    approvers(d2)[0]!.keys[1] = approvers(d2)[0]!.keys[0]!;
    expect(caught(() => parseRoster(d2)).code).toBe('QT_ROSTER_DUPLICATE_KEY');
  });

  it('refuses one person listed twice', () => {
    const d = doc();
    approvers(d)[2]!.id = 'alice';
    expect(caught(() => parseRoster(d))).toMatchObject({
      code: 'QT_ROSTER_DUPLICATE_APPROVER',
      path: '$.approvers[2].id',
    });
  });

  it('refuses key ids that do not match their key', () => {
    const d = doc();
    approvers(d)[0]!.keys[0]!.keyid = MALLORY[0]!.keyid;
    expect(caught(() => parseRoster(d))).toMatchObject({
      code: 'QT_ROSTER_KEYID_MISMATCH',
      path: '$.approvers[0].keys[0].keyid',
    });
    const d2 = doc();
    // The same public key bytes declared under another suite get another key id.
    approvers(d2)[4]!.keys[0]!.suite = 'secp256k1';
    expect(caught(() => parseRoster(d2)).code).toBe('QT_ROSTER_KEYID_MISMATCH');
  });

  it('refuses unknown suites, bad key encodings and wrong key lengths', () => {
    const set = (f: (k: Record<string, unknown>) => void) => {
      const d = doc();
      f(approvers(d)[0]!.keys[0]!);
      return caught(() => parseRoster(d));
    };
    expect(set((k) => (k.suite = 'rsa-2048'))).toMatchObject({
      code: 'QT_ROSTER_INVALID',
      path: '$.approvers[0].keys[0].suite',
    });
    expect(set((k) => (k.publicKey = `${k.publicKey as string}=`))).toMatchObject({
      code: 'QT_ROSTER_INVALID',
    });
    expect(set((k) => (k.publicKey = (k.publicKey as string).slice(0, -1) + 'B'))).toMatchObject({
      code: 'QT_ROSTER_INVALID',
      path: '$.approvers[0].keys[0].publicKey',
    });
    expect(set((k) => (k.publicKey = b64(new Uint8Array(31))))).toMatchObject({
      code: 'QT_ROSTER_INVALID',
      path: '$.approvers[0].keys[0].publicKey',
    });
    expect(set((k) => (k.publicKey = new Uint8Array(32)))).toMatchObject({ code: 'QT_ROSTER_INVALID' });
  });

  it.each([
    ['wrong type', (d: Doc) => (d.type = 'qtrust/roster/v2'), '$.type'],
    ['version 0', (d: Doc) => (d.version = 0), '$.version'],
    ['version as string', (d: Doc) => (d.version = '1' as never), '$.version'],
    ['no approvers', (d: Doc) => (d.approvers = []), '$.approvers'],
    ['person without keys', (d: Doc) => (approvers(d)[0]!.keys = []), '$.approvers[0].keys'],
    ['repeated group', (d: Doc) => (approvers(d)[0]!.groups = ['sre', 'sre']), '$.approvers[0].groups'],
    [
      'unknown member',
      (d: Doc) => ((approvers(d)[0] as Record<string, unknown>).admin = true),
      '$.approvers[0]',
    ],
  ])('refuses %s', (_name, edit, path) => {
    const d = doc();
    edit(d);
    expect(caught(() => parseRoster(d))).toMatchObject({ code: 'QT_ROSTER_INVALID', path });
  });

  it('refuses non-JSON input', () => {
    expect(caught(() => parseRoster(undefined)).code).toBe('QT_ROSTER_INVALID');
    expect(caught(() => parseRoster('{"type":')).code).toBe('QT_ROSTER_INVALID');
  });
});

describe('verifyRoster', () => {
  const envelope = signRoster(rosterDoc(), ADMIN);

  it('verifies under every pinned administrator key and marks the result as verified', () => {
    const r = verifyRoster(envelope, ADMIN_PUB, { roster: 'ops', minVersion: 1 });
    expect(r.approvers).toHaveLength(5);
    expect(isVerifiedRoster(r)).toBe(true);
    expect(isVerifiedRoster(parseRoster(rosterDoc()))).toBe(false);
    expect(isVerifiedRoster({ ...r })).toBe(false);
    expect(isVerifiedRoster(null)).toBe(false);
    expect(isVerifiedRoster('ops')).toBe(false);
    expect(verifyRoster(JSON.parse(JSON.stringify(envelope)), ADMIN_PUB).version).toBe(1);
  });

  it('refuses a roster signed by an untrusted key, or by only part of the admin set', () => {
    const forged = signRoster(rosterDoc(), MALLORY);
    expect(caught(() => verifyRoster(forged, ADMIN_PUB)).code).toBe('QT_ROSTER_SIGNATURE');
    const half = signRoster(rosterDoc(), [ADMIN[0]!]);
    expect(caught(() => verifyRoster(half, ADMIN_PUB)).code).toBe('QT_ROSTER_SIGNATURE');
  });

  it('refuses a tampered payload, a truncated envelope and another payload type', () => {
    const tampered = { ...envelope, payload: b64(utf8ToBytes(canonicalize(rosterDoc(2)))) };
    expect(caught(() => verifyRoster(tampered, ADMIN_PUB)).code).toBe('QT_ROSTER_SIGNATURE');
    const { signatures: _s, ...truncated } = envelope;
    expect(caught(() => verifyRoster(truncated, ADMIN_PUB)).code).toBe('QT_ROSTER_SIGNATURE');
    expect(
      caught(() => verifyRoster({ ...envelope, payload: envelope.payload.slice(0, 40) }, ADMIN_PUB)).code,
    ).toBe('QT_ROSTER_SIGNATURE');
    const other = signEnvelope(
      'application/vnd.qtrust.approval+json',
      utf8ToBytes(canonicalize(rosterDoc())),
      ADMIN,
    );
    expect(caught(() => verifyRoster(other, ADMIN_PUB)).code).toBe('QT_ROSTER_SIGNATURE');
    expect(caught(() => verifyRoster('not an envelope', ADMIN_PUB)).code).toBe('QT_ROSTER_SIGNATURE');
  });

  it('refuses a validly signed payload that is not a canonical, valid roster', () => {
    const spaced = signEnvelope(
      ROSTER_PAYLOAD_TYPE,
      utf8ToBytes(JSON.stringify(rosterDoc(), null, 1)),
      ADMIN,
    );
    expect(caught(() => verifyRoster(spaced, ADMIN_PUB))).toMatchObject({
      code: 'QT_ROSTER_INVALID',
      path: '$',
    });
    const notUtf8 = signEnvelope(ROSTER_PAYLOAD_TYPE, new Uint8Array([0xff, 0xfe]), ADMIN);
    expect(caught(() => verifyRoster(notUtf8, ADMIN_PUB)).code).toBe('QT_ROSTER_INVALID');
    const invalid = signEnvelope(
      ROSTER_PAYLOAD_TYPE,
      utf8ToBytes(canonicalize({ ...rosterDoc(), version: -1 })),
      ADMIN,
    );
    expect(caught(() => verifyRoster(invalid, ADMIN_PUB))).toMatchObject({
      code: 'QT_ROSTER_INVALID',
      path: '$.version',
    });
  });

  it('refuses another roster name and a roll-back to an older version', () => {
    expect(caught(() => verifyRoster(envelope, ADMIN_PUB, { roster: 'finance' }))).toMatchObject({
      code: 'QT_ROSTER_INVALID',
      path: '$.roster',
    });
    expect(caught(() => verifyRoster(envelope, ADMIN_PUB, { minVersion: 2 }))).toMatchObject({
      code: 'QT_ROSTER_ROLLBACK',
      path: '$.version',
    });
    expect(verifyRoster(signRoster(rosterDoc(3), ADMIN), ADMIN_PUB, { minVersion: 2 }).version).toBe(3);
  });

  it('needs at least one trusted key', () => {
    expect(caught(() => verifyRoster(envelope, [])).code).toBe('QT_TYPE');
    expect(caught(() => verifyRoster(envelope, 'admin' as never)).code).toBe('QT_TYPE');
  });

  it('signRoster validates before signing', () => {
    expect(caught(() => signRoster({ ...rosterDoc(), approvers: [] }, ADMIN)).code).toBe('QT_ROSTER_INVALID');
    expect(signRoster(rosterDoc(), [key('ed25519', 90)]).signatures).toHaveLength(1);
  });
});
