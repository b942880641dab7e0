// The ceremony trust file: parsing hostile input, and the key history a rotation updates (the new
// key current from the rotation, the old one retiring), which the verifier then enforces.
import { describe, expect, it } from 'vitest';
import { toBase64url } from '../../../src-shared/bytes.js';
import { verifyTranscript } from '../../../src-shared/ceremony/transcript.js';
import {
  instant,
  keyUsableAt,
  parseCeremonyTrust,
  updateKeyHistory,
  updateKeyHistoryFromTranscript,
  type CeremonyTrustJson,
} from '../../../src-shared/ceremony/trust.js';
import { QtError } from '../../../src-shared/errors.js';
import { keyId } from '../../../src-shared/sign/index.js';
import { build, hsm, script, time, trust, trustJson } from './fixture.js';

const code = (f: () => unknown): string | undefined => {
  try {
    f();
  } catch (e) {
    return e instanceof QtError ? `${e.code} ${e.path ?? ''}` : String(e);
  }
  return undefined;
};

describe('parseCeremonyTrust', () => {
  it('refuses wrong types, look-alikes, duplicates and bad keys, naming the JSON path', () => {
    const t = trustJson();
    const participants = t.participants as { id: string; keys: Record<string, unknown>[] }[];
    const first = participants[0] as { id: string; keys: Record<string, unknown>[] };
    const cases: [unknown, string][] = [
      [null, 'QT_CEREMONY_TRUST $'],
      [[], 'QT_CEREMONY_TRUST $'],
      [{ ...t, version: 2 }, 'QT_CEREMONY_TRUST $.version'],
      [{ ...t, extra: 1 }, 'QT_CEREMONY_TRUST $'],
      [{ ...t, participants: [] }, 'QT_CEREMONY_TRUST $.participants'],
      [{ ...t, participants: [first, first] }, 'QT_CEREMONY_TRUST $.participants[1].id'],
      [
        { ...t, participants: [{ ...first, keys: [...first.keys, ...first.keys] }] },
        'QT_CEREMONY_TRUST $.participants[0].keys',
      ],
      [
        { ...t, participants: [{ ...first, keys: [{ ...first.keys[0], publicKey: 'AA==' }] }] },
        'QT_CEREMONY_TRUST $.participants[0].keys[0]',
      ],
      [
        { ...t, participants: [{ ...first, keys: [{ ...first.keys[0], keyid: 'ed25519:00' }] }] },
        'QT_CEREMONY_TRUST $.participants[0].keys[0]',
      ],
      [
        { ...t, participants: [{ ...first, keys: [{ ...first.keys[0], suite: 'rsa' }] }] },
        'QT_CEREMONY_TRUST $.participants[0].keys[0]',
      ],
      [
        { ...t, keyHistory: [{ label: 'x', token: 't', type: 'p256', status: 'lost', ceremony: 'c' }] },
        'QT_CEREMONY_TRUST $.keyHistory[0].status',
      ],
      [
        {
          ...t,
          keyHistory: [
            { label: 'x', token: 't', type: 'p256', status: 'active', ceremony: 'c', since: 'yesterday' },
          ],
        },
        'QT_CEREMONY_TRUST $.keyHistory[0].since',
      ],
    ];
    for (const [value, want] of cases)
      expect(
        code(() => parseCeremonyTrust(value)),
        JSON.stringify(value)?.slice(0, 80),
      ).toBe(want);
    expect(parseCeremonyTrust(t).participants.get('adm')).toHaveLength(1);
  });
});

describe('instant and keyUsableAt', () => {
  it('reads only RFC 3339 UTC times', () => {
    expect(instant('2026-11-01T12:00:00Z')).toBe(Date.UTC(2026, 10, 1, 12));
    expect(instant('2026-11-01T12:00:00.5Z')).toBe(Date.UTC(2026, 10, 1, 12, 0, 0, 500));
    for (const bad of [
      undefined,
      5,
      '2026-11-01',
      '2026-11-01T12:00:00+01:00',
      '2026-13-45T99:99:99Z',
      ' 2026-11-01T12:00:00Z',
    ])
      expect(instant(bad)).toBeUndefined();
  });

  it('accepts a key inside its range (ends included), refuses it outside, and leaves unknown keys alone', () => {
    const t: CeremonyTrustJson = {
      ...(trust.json as CeremonyTrustJson),
      keyHistory: [
        {
          label: 'l',
          token: 't',
          type: 'p256',
          keyid: 'old',
          status: 'retiring',
          ceremony: 'c',
          since: time(1),
          until: time(5),
        },
        {
          label: 'l2',
          token: 't',
          type: 'p256',
          keyid: 'new',
          status: 'active',
          ceremony: 'c',
          since: time(5),
        },
        { label: 'l3', token: 't', type: 'p256', keyid: 'gone', status: 'retired', ceremony: 'c' },
      ],
    };
    expect(keyUsableAt(t, 'old', time(1))).toBe(true);
    expect(keyUsableAt(t, 'old', time(5))).toBe(true);
    expect(keyUsableAt(t, 'old', time(6))).toBe(false);
    expect(keyUsableAt(t, 'old', time(0))).toBe(false);
    expect(keyUsableAt(t, 'new', time(4))).toBe(false);
    expect(keyUsableAt(t, 'new', time(59))).toBe(true);
    expect(keyUsableAt(t, 'gone', time(3))).toBe(false);
    expect(keyUsableAt(t, 'unknown', time(3))).toBe(true);
    expect(keyUsableAt(t, 'new', 'not a time')).toBe(false);
    expect(keyUsableAt({ ...t, keyHistory: undefined }, 'old', time(9))).toBe(true);
  });
});

describe('updateKeyHistory', () => {
  const transcript = build();
  const entries = transcript.entries.map((e) => e.entry);
  const oldId = keyId('p256', hsm.signer.publicKey);
  const newId = keyId('p256', hsm.signer2.publicKey);

  it('after a rotation lists the new key as current from then and the old key as retiring from then', () => {
    const before = updateKeyHistoryFromTranscript(trust.json, build({ upTo: 4 }));
    expect(before.keyHistory).toEqual([
      expect.objectContaining({
        label: 'qt:acme:prod:approve:signer',
        token: 'unit-a',
        keyid: oldId,
        status: 'active',
        since: time(3),
      }),
      expect.objectContaining({
        label: 'qt:acme:prod:seal:kek',
        type: 'aes-256',
        status: 'active',
        since: time(4),
      }),
    ]);
    const after = updateKeyHistory(before, script, entries[5]);
    expect(after.keyHistory).toEqual([
      expect.objectContaining({
        keyid: oldId,
        status: 'retiring',
        until: time(5),
        replacedBy: newId,
        since: time(3),
      }),
      expect.anything(),
      expect.objectContaining({
        label: 'qt:acme:prod:approve:signer2',
        keyid: newId,
        status: 'active',
        since: time(5),
      }),
    ]);
    // The input is not changed.
    expect(before.keyHistory).toHaveLength(2);
  });

  it('records backups on the second token and retirements, and ignores non-key entries', () => {
    const all = updateKeyHistoryFromTranscript(trust.json, transcript).keyHistory ?? [];
    expect(all.map((h) => `${h.token}:${h.label}:${h.status}`)).toEqual([
      'unit-a:qt:acme:prod:approve:signer:retired',
      'unit-a:qt:acme:prod:seal:kek:active',
      'unit-a:qt:acme:prod:approve:signer2:active',
      'unit-b:qt:acme:prod:approve:signer2:active',
      'unit-b:qt:acme:prod:seal:kek:active',
    ]);
    expect(all[0]?.until).toBe(time(5)); // retired later, but it stopped being current at the rotation
    expect(updateKeyHistory(trust.json, script, entries[0])).toBe(trust.json);
    expect(updateKeyHistory(trust.json, script, entries[1])).toBe(trust.json);
    expect(updateKeyHistory(trust.json, script, 'junk')).toBe(trust.json);
    // Retiring a key that was still current ends its range at the retirement.
    const gen = updateKeyHistory(trust.json, script, entries[3]);
    expect((updateKeyHistory(gen, script, entries[8]).keyHistory ?? [])[0]).toMatchObject({
      status: 'retired',
      until: time(8),
    });
    // A backup of a key the history does not know adds nothing.
    expect(updateKeyHistory(trust.json, script, entries[6]).keyHistory).toEqual([]);
  });

  it('adds an old key it did not know as retiring, from the script or the outcome', () => {
    const fromNothing = updateKeyHistory(trust.json, script, entries[5]).keyHistory ?? [];
    expect(fromNothing[0]).toMatchObject({
      keyid: oldId,
      label: 'signer',
      type: 'p256',
      status: 'retiring',
      until: time(5),
    });
    const withExisting = {
      ...script,
      existingKeys: [
        {
          token: 'a',
          name: 'signer',
          class: 'approve',
          type: 'p256' as const,
          publicKey: toBase64url(hsm.signer.publicKey),
        },
      ],
    };
    expect((updateKeyHistory(trust.json, withExisting, entries[5]).keyHistory ?? [])[0]).toMatchObject({
      label: 'qt:acme:prod:approve:signer',
      publicKey: toBase64url(hsm.signer.publicKey),
    });
  });

  it('refuses entries of another ceremony, unknown steps and malformed outcomes', () => {
    const e = entries[5] as unknown as Record<string, unknown>;
    expect(code(() => updateKeyHistory(trust.json, script, { ...e, ceremony: 'other' }))).toBe(
      'QT_CEREMONY_TRUST $.keyHistory',
    );
    expect(code(() => updateKeyHistory(trust.json, script, { ...e, step: 'nope' }))).toBe(
      'QT_CEREMONY_TRUST $.keyHistory',
    );
    expect(
      code(() => updateKeyHistory(trust.json, script, { ...e, body: { kind: 'generate-key', outcome: {} } })),
    ).toBe('QT_CEREMONY_TRUST $.keyHistory');
    expect(
      code(() => updateKeyHistory(trust.json, script, { ...e, body: { kind: 'rotate-key', outcome: {} } })),
    ).toBe('QT_CEREMONY_TRUST $.keyHistory');
    const long = { ...(entries[3] as unknown as Record<string, unknown>) };
    const body = JSON.parse(JSON.stringify(long.body)) as { outcome: { key: { label: string } } };
    body.outcome.key.label = 'x'.repeat(65);
    expect(code(() => updateKeyHistory(trust.json, script, { ...long, body }))).toBe(
      'QT_CEREMONY_TRUST $.keyHistory',
    );
    expect(code(() => updateKeyHistoryFromTranscript(trust.json, { entries: [] }))).toMatch(
      /^QT_CEREMONY_SCRIPT/,
    );
  });

  it('the verifier with the updated history accepts each key in its range and refuses the old key after retirement', () => {
    const history = parseCeremonyTrust(updateKeyHistoryFromTranscript(trust.json, build({ upTo: 5 })));
    expect(verifyTranscript(JSON.parse(JSON.stringify(transcript)), history)).toMatchObject({ ok: true });
    // The same ceremony replayed later: every signature by the old key now falls after its range.
    const later = parseCeremonyTrust({
      ...history.json,
      keyHistory: (history.json.keyHistory ?? []).map((h) => ({
        ...h,
        until: h.until === undefined ? undefined : time(4),
      })),
    });
    expect(verifyTranscript(JSON.parse(JSON.stringify(transcript)), later)).toMatchObject({
      ok: false,
      seq: 5,
      step: 'rotate',
      code: 'QT_CEREMONY_KEY_RETIRED',
    });
    // A key that signs before it became current is refused too.
    const early = parseCeremonyTrust({
      ...history.json,
      keyHistory: (history.json.keyHistory ?? []).map((h) => ({ ...h, since: time(30) })),
    });
    expect(verifyTranscript(JSON.parse(JSON.stringify(transcript)), early)).toMatchObject({
      ok: false,
      seq: 3,
      step: 'gen',
      code: 'QT_CEREMONY_KEY_RETIRED',
    });
    // And the backup of the new key, signed after the new key was retired, is refused.
    const cut = parseCeremonyTrust({
      ...history.json,
      keyHistory: (history.json.keyHistory ?? []).map((h) =>
        h.keyid === newId ? { ...h, status: 'retired' as const, until: time(5) } : h,
      ),
    });
    expect(verifyTranscript(JSON.parse(JSON.stringify(transcript)), cut)).toMatchObject({
      ok: false,
      seq: 6,
      step: 'backup',
      code: 'QT_CEREMONY_KEY_RETIRED',
    });
  });
});
