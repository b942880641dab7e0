// The transcript verifier against hostile transcripts: wrong types, truncated, tampered, reordered,
// look-alike objects, wrong lengths, forged proofs; each names the first bad entry (seq and step).
import { describe, expect, it } from 'vitest';
import { toBase64url } from '../../../src-shared/bytes.js';
import {
  appendEntry,
  isTranscriptLike,
  verifyTranscript,
  type Transcript,
} from '../../../src-shared/ceremony/transcript.js';
import { parseCeremonyTrust } from '../../../src-shared/ceremony/trust.js';
import { QtError } from '../../../src-shared/errors.js';
import { getSuite, secretKeyEntry } from '../../../src-shared/sign/index.js';
import { build, hsm, outcomes, signers, trust, trustJson } from './fixture.js';

type Json = Record<string, unknown> & { entries: Record<string, unknown>[] };
const copy = (t: Transcript): Json => JSON.parse(JSON.stringify(t)) as Json;
const entryOf = (t: Json, i: number) => (t.entries[i] as { entry: Record<string, unknown> }).entry;
const outcomeOf = (t: Json, i: number) =>
  (entryOf(t, i).body as { outcome: Record<string, unknown> }).outcome as Record<string, unknown> & {
    key: Record<string, unknown>;
  };

/** Verifies after `change`, re-signing nothing: a change to an entry breaks its hash. */
function report(t: unknown) {
  return verifyTranscript(t, trust);
}

/** A transcript whose outcomes were changed before signing: the chain and attestations hold, the proof does not. */
function signedWith(change: (o: Record<string, Record<string, unknown>>) => void) {
  return report(copy(build({ change })));
}

describe('verifyTranscript', () => {
  it('accepts the whole synthetic ceremony, and a failed one', () => {
    expect(report(copy(build()))).toMatchObject({
      ok: true,
      status: 'complete',
      entries: 10,
      ceremony: 'unit-2026',
    });
    expect(report(copy(build({ failAt: 'gen' })))).toMatchObject({ ok: true, status: 'failed' });
    expect(report(copy(build({ upTo: 3 })))).toMatchObject({ ok: true, status: 'open', entries: 4 });
    expect(isTranscriptLike(build())).toBe(true);
    expect(isTranscriptLike({ type: 'x' })).toBe(false);
    expect(isTranscriptLike(null)).toBe(false);
  });

  it('throws QT_CEREMONY_TRANSCRIPT for an unusable top level', () => {
    for (const bad of [
      null,
      1,
      'x',
      [],
      {},
      { v: 1, type: 'qtrust/ceremony-transcript', entries: [] },
      { ...build(), v: 2 },
      { ...build(), extra: 1 },
    ]) {
      expect(() => report(bad)).toThrow(QtError);
    }
    try {
      report({ v: 1, type: 'qtrust/ceremony-transcript', entries: [] });
    } catch (e) {
      expect((e as QtError).code).toBe('QT_CEREMONY_TRANSCRIPT');
      expect((e as QtError).message).toMatch(/\$\.entries/);
    }
  });

  it('names malformed entries', () => {
    const t = copy(build());
    t.entries[2] = { entry: {}, hash: 'x', attestations: [] };
    expect(report(t)).toMatchObject({ ok: false, seq: 2, step: null, code: 'QT_CEREMONY_TRANSCRIPT' });
    const u = copy(build());
    (u.entries[2] as { entry: unknown }).entry = { ...entryOf(u, 2), seq: '2' };
    expect(report(u)).toMatchObject({ ok: false, seq: 2, code: 'QT_CEREMONY_TRANSCRIPT' });
    const v = copy(build());
    v.entries[1] = [] as never;
    expect(report(v)).toMatchObject({ ok: false, seq: 1, code: 'QT_CEREMONY_TRANSCRIPT' });
  });

  it('names changed, reordered, removed and appended entries', () => {
    const t = copy(build());
    entryOf(t, 3).time = '2030-01-01T00:00:00.000Z';
    expect(report(t)).toMatchObject({ ok: false, seq: 3, step: 'gen', code: 'QT_CEREMONY_CHAIN' });
    const u = copy(build());
    u.entries.splice(2, 1);
    expect(report(u)).toMatchObject({ ok: false, seq: 2, code: 'QT_CEREMONY_CHAIN' });
    const w = copy(build());
    entryOf(w, 3).prev = '0'.repeat(64);
    expect(report(w)).toMatchObject({ ok: false, seq: 3, code: 'QT_CEREMONY_CHAIN' });
    // An entry after the end, even a well-signed one.
    const done = build();
    const more = appendEntry(
      done,
      {
        ceremony: 'unit-2026',
        time: 'x',
        event: 'step',
        step: 'gen',
        present: ['adm'],
        custodians: [],
        body: {},
      },
      signers,
    );
    expect(report(copy(more))).toMatchObject({ ok: false, seq: 10, code: 'QT_CEREMONY_ORDER' });
  });

  it('names a transcript that does not start, starts twice, mixes ceremonies or lies about its end', () => {
    const start = build({ upTo: 0 });
    const noStart = appendEntry(
      { ...start, entries: [] },
      {
        ceremony: 'unit-2026',
        time: 't',
        event: 'step',
        step: 'init-a',
        present: ['adm'],
        custodians: [],
        body: {},
      },
      signers,
    );
    expect(report(copy(noStart))).toMatchObject({ ok: false, seq: 0, code: 'QT_CEREMONY_ORDER' });
    const twice = appendEntry(
      start,
      {
        ceremony: 'unit-2026',
        time: 't',
        event: 'start',
        step: null,
        present: ['adm'],
        custodians: [],
        body: {},
      },
      signers,
    );
    expect(report(copy(twice))).toMatchObject({ ok: false, seq: 1, code: 'QT_CEREMONY_ORDER' });
    const mixed = appendEntry(
      start,
      {
        ceremony: 'other',
        time: 't',
        event: 'end',
        step: null,
        present: ['adm'],
        custodians: [],
        body: { status: 'open' },
      },
      signers,
    );
    expect(report(copy(mixed))).toMatchObject({ ok: false, seq: 1, code: 'QT_CEREMONY_CHAIN' });
    const lying = appendEntry(
      start,
      {
        ceremony: 'unit-2026',
        time: 't',
        event: 'end',
        step: null,
        present: ['adm'],
        custodians: [],
        body: { status: 'complete' },
      },
      signers,
    );
    expect(report(copy(lying))).toMatchObject({ ok: false, seq: 1, code: 'QT_CEREMONY_ORDER' });
    const skipped = appendEntry(
      start,
      {
        ceremony: 'unit-2026',
        time: 't',
        event: 'step',
        step: 'gen',
        present: ['adm', 'w1'],
        custodians: [],
        body: {},
      },
      signers,
    );
    expect(report(copy(skipped))).toMatchObject({
      ok: false,
      seq: 1,
      step: 'gen',
      code: 'QT_CEREMONY_ORDER',
    });
    const mislabeled = appendEntry(
      start,
      {
        ceremony: 'unit-2026',
        time: 't',
        event: 'step',
        step: 'init-a',
        present: ['adm', 'w1'],
        custodians: [],
        body: { kind: 'generate-key' },
      },
      signers,
    );
    expect(report(copy(mislabeled))).toMatchObject({ ok: false, seq: 1, code: 'QT_CEREMONY_OUTCOME' });
  });

  it('names a bad start: invalid script, or a script of another ceremony', () => {
    const bad = appendEntry(
      { v: 1, type: 'qtrust/ceremony-transcript', entries: [] },
      {
        ceremony: 'unit-2026',
        time: 't',
        event: 'start',
        step: null,
        present: ['adm'],
        custodians: [],
        body: { script: { v: 1 } },
      },
      signers,
    );
    expect(report(copy(bad))).toMatchObject({ ok: false, seq: 0, code: 'QT_CEREMONY_SCRIPT' });
    const start = copy(build({ upTo: 0 }));
    const other = appendEntry(
      { v: 1, type: 'qtrust/ceremony-transcript', entries: [] },
      {
        ceremony: 'other',
        time: 't',
        event: 'start',
        step: null,
        present: ['adm'],
        custodians: [],
        body: entryOf(start, 0).body as Record<string, unknown>,
      },
      signers,
    );
    expect(report(copy(other))).toMatchObject({ ok: false, seq: 0, code: 'QT_CEREMONY_SCRIPT' });
  });

  it('names forged, duplicated, missing, stray, unpinned and misdirected attestations', () => {
    const atts = (t: Json, i: number) =>
      (t.entries[i] as { attestations: { participant: string; envelope: unknown }[] }).attestations;
    const a = copy(build());
    atts(a, 1).push(atts(a, 1)[0] as never);
    expect(report(a)).toMatchObject({ ok: false, seq: 1, code: 'QT_CEREMONY_ATTESTATION' });
    const b = copy(build());
    atts(b, 1).push({ participant: 'mallory', envelope: atts(b, 1)[0]?.envelope });
    expect(report(b)).toMatchObject({ ok: false, seq: 1, code: 'QT_CEREMONY_ATTESTATION' });
    const c = copy(build());
    atts(c, 1).pop();
    expect(report(c)).toMatchObject({ ok: false, seq: 1, code: 'QT_CEREMONY_ATTESTATION' });
    const d = copy(build());
    (atts(d, 1)[0] as { envelope: unknown }).envelope = { payloadType: 'x' };
    expect(report(d)).toMatchObject({ ok: false, seq: 1, code: 'QT_CEREMONY_ATTESTATION' });
    const e = copy(build());
    (atts(e, 1)[0] as { envelope: unknown }).envelope = 'not an envelope';
    expect(report(e)).toMatchObject({ ok: false, seq: 1, code: 'QT_CEREMONY_ATTESTATION' });
    // A valid attestation by the right person, but for another entry.
    const f = copy(build());
    (atts(f, 2)[0] as { envelope: unknown }).envelope = atts(f, 1)[0]?.envelope;
    expect(report(f)).toMatchObject({ ok: false, seq: 2, code: 'QT_CEREMONY_ATTESTATION' });
    // The trust file pins no key for someone present.
    const partial = parseCeremonyTrust({
      ...trustJson(),
      participants: (trustJson().participants as { id: string }[]).filter((p) => p.id !== 'w1'),
    });
    expect(verifyTranscript(copy(build()), partial)).toMatchObject({
      ok: false,
      seq: 0,
      code: 'QT_CEREMONY_ATTESTATION',
    });
    // The participant signs with a key the trust file does not pin.
    const stranger = new Map(signers);
    stranger.set('w1', [secretKeyEntry(getSuite('ed25519').keygen())]);
    const forged = appendEntry(
      { v: 1, type: 'qtrust/ceremony-transcript', entries: [] },
      entryOf(copy(build({ upTo: 0 })), 0) as never,
      stranger,
    );
    expect(report(copy(forged))).toMatchObject({ ok: false, seq: 0, code: 'QT_CEREMONY_ATTESTATION' });
    expect(() =>
      appendEntry(
        { v: 1, type: 'qtrust/ceremony-transcript', entries: [] },
        entryOf(copy(build({ upTo: 0 })), 0) as never,
        new Map(),
      ),
    ).toThrow(/no signing key/);
  });

  it('follows participants who leave and come back', () => {
    const start = build({ upTo: 0 });
    const o = outcomes();
    let t = appendEntry(
      start,
      {
        ceremony: 'unit-2026',
        time: 't1',
        event: 'step',
        step: 'init-a',
        present: ['adm', 'w1'],
        custodians: [],
        body: { kind: 'init-token', outcome: o['init-a'] },
      },
      signers,
    );
    expect(verifyTranscript(copy(t), trust)).toMatchObject({ ok: true, status: 'open' });
    t = appendEntry(
      t,
      {
        ceremony: 'unit-2026',
        time: 't2',
        event: 'step',
        step: 'init-b',
        present: ['adm'],
        custodians: [],
        body: { kind: 'init-token', outcome: o['init-b'] },
      },
      signers,
    );
    expect(verifyTranscript(copy(t), trust)).toMatchObject({
      ok: false,
      seq: 2,
      code: 'QT_CEREMONY_WITNESSES',
    });
  });

  it('replays the state machine: missing witnesses or custodians are named', () => {
    expect(report(copy(build({ present: ['adm', 'c1', 'c2'] })))).toMatchObject({
      ok: false,
      seq: 1,
      code: 'QT_CEREMONY_WITNESSES',
    });
  });

  it('names malformed and lying outcomes, step by step', () => {
    const cases: [string, (o: Record<string, Record<string, unknown>>) => void, string][] = [
      ['init-a', (o) => void (o['init-a'] = { token: 'x' }), 'QT_CEREMONY_OUTCOME'],
      [
        'init-a',
        (o) => void ((o['init-a']?.token as { label: string }).label = 'unit-b'),
        'QT_CEREMONY_OUTCOME',
      ],
      ['init-a', (o) => void (o['init-a']?.shares as unknown[]).pop(), 'QT_CEREMONY_OUTCOME'],
      ['gen', (o) => void (o.gen = {}), 'QT_CEREMONY_OUTCOME'],
      [
        'gen',
        (o) => void ((o.gen?.key as Record<string, unknown>).label = 'qt:acme:prod:approve:other'),
        'QT_CEREMONY_OUTCOME',
      ],
      [
        'gen',
        (o) => void ((o.gen?.key as Record<string, unknown>).publicKey = 'AA=='),
        'QT_CEREMONY_OUTCOME',
      ],
      [
        'gen',
        (o) => void ((o.gen?.key as Record<string, unknown>).publicKey = toBase64url(new Uint8Array(33))),
        'QT_CEREMONY_OUTCOME',
      ],
      ['gen', (o) => void ((o.gen?.key as Record<string, unknown>).keyid = 'p256:00'), 'QT_CEREMONY_OUTCOME'],
      [
        'gen',
        (o) =>
          void (((o.gen?.key as Record<string, unknown>).attributes as Record<string, unknown>).extractable =
            false),
        'QT_CEREMONY_ATTRIBUTES',
      ],
      [
        'gen',
        (o) => void ((o.gen?.key as Record<string, unknown>).selfTest = toBase64url(new Uint8Array(64))),
        'QT_CEREMONY_SIGNATURE',
      ],
      [
        'gen',
        (o) => void ((o.gen?.key as Record<string, unknown>).selfTest = toBase64url(new Uint8Array(10))),
        'QT_CEREMONY_SIGNATURE',
      ],
      ['gen', (o) => void ((o.gen?.key as Record<string, unknown>).selfTest = '+/='), 'QT_CEREMONY_OUTCOME'],
      ['seal', (o) => void ((o.seal?.key as Record<string, unknown>).label = 'x'), 'QT_CEREMONY_OUTCOME'],
      [
        'seal',
        (o) =>
          void (((o.seal?.key as Record<string, unknown>).attributes as Record<string, unknown>).sensitive =
            false),
        'QT_CEREMONY_ATTRIBUTES',
      ],
      ['rotate', (o) => void ((o.rotate as Record<string, unknown>).old = 'p256:00'), 'QT_CEREMONY_OUTCOME'],
      [
        'rotate',
        (o) =>
          void ((o.rotate as Record<string, unknown>).oldSignature = (
            o.rotate as Record<string, string>
          ).newSignature),
        'QT_CEREMONY_SIGNATURE',
      ],
      [
        'rotate',
        (o) =>
          void ((o.rotate as Record<string, unknown>).newSignature = (
            o.rotate as Record<string, string>
          ).oldSignature),
        'QT_CEREMONY_SIGNATURE',
      ],
      ['backup', (o) => void ((o.backup as Record<string, unknown>).to = 'a'), 'QT_CEREMONY_OUTCOME'],
      ['backup', (o) => void delete (o.backup as Record<string, unknown>).selfTest, 'QT_CEREMONY_OUTCOME'],
      [
        'backup',
        (o) =>
          void ((o.backup as Record<string, unknown>).selfTest = (
            o.gen?.key as Record<string, string>
          ).selfTest),
        'QT_CEREMONY_SIGNATURE',
      ],
      [
        'backup-kek',
        (o) => void ((o['backup-kek'] as Record<string, unknown>).kcvTarget = '0'.repeat(64)),
        'QT_CEREMONY_BACKUP_MISMATCH',
      ],
      [
        'backup-kek',
        (o) => void delete (o['backup-kek'] as Record<string, unknown>).kcvSource,
        'QT_CEREMONY_BACKUP_MISMATCH',
      ],
      ['retire', (o) => void ((o.retire as Record<string, unknown>).label = 'x'), 'QT_CEREMONY_OUTCOME'],
      ['retire', (o) => void ((o.retire as Record<string, unknown>).absent = false), 'QT_CEREMONY_OUTCOME'],
    ];
    for (const [step, change, code] of cases) {
      const r = signedWith(change);
      expect(r, `${step}: ${change.toString()}`).toMatchObject({ ok: false, step, code });
    }
  });

  it('treats a verifier backend that throws as a signature that does not verify', () => {
    const p256 = getSuite('p256');
    const backend = {
      p256: {
        sign: p256.sign,
        verify: () => {
          throw new TypeError('backend failure');
        },
      },
    };
    expect(verifyTranscript(copy(build()), trust, backend)).toMatchObject({
      ok: false,
      step: 'gen',
      code: 'QT_CEREMONY_SIGNATURE',
    });
  });

  it('rejects look-alike public keys of the wrong type in outcomes', () => {
    const r = signedWith((o) => {
      (o.gen?.key as Record<string, unknown>).publicKey = toBase64url(hsm.signer.secretKey);
    });
    expect(r).toMatchObject({ ok: false, step: 'gen', code: 'QT_CEREMONY_OUTCOME' });
    const t = copy(build());
    expect(outcomeOf(t, 3).key.type).toBe('p256');
    expect(outcomes().gen).toBeDefined();
  });
});
