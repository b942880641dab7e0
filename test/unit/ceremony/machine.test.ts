import { describe, expect, it } from 'vitest';
import { QtError } from '../../../src-shared/errors.js';
import {
  beginStep,
  checkIn,
  checkOut,
  completeStep,
  failStep,
  findKey,
  requirements,
  roleOf,
  startCeremony,
  type CeremonyState,
} from '../../../src-shared/ceremony/machine.js';
import { keyLabel, parseScript } from '../../../src-shared/ceremony/script.js';

const PK = 'A'.repeat(43);
function base(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    v: 1,
    type: 'qtrust/ceremony-script',
    id: 'root',
    title: 't',
    tenant: 'acme',
    env: 'prod',
    roles: {
      administrator: 'adm',
      custodians: {
        quorum: 2,
        members: [
          { id: 'c1', seal: { x25519: PK } },
          { id: 'c2', seal: { passphrase: true } },
          { id: 'c3', seal: { passphrase: true } },
        ],
      },
      witnesses: { required: 1, members: ['w1', 'w2'] },
    },
    tokens: [
      { name: 'a', label: 'tok-a' },
      { name: 'b', label: 'tok-b' },
    ],
    steps: [
      { id: 'init-a', kind: 'init-token', token: 'a' },
      { id: 'init-b', kind: 'init-token', token: 'b' },
      {
        id: 'gen',
        kind: 'generate-key',
        token: 'a',
        key: { name: 'k', class: 'approve', type: 'p256', backupable: true },
      },
      { id: 'seal', kind: 'generate-seal-key', token: 'a', key: { name: 's', class: 'seal' } },
      {
        id: 'rot',
        kind: 'rotate-key',
        token: 'a',
        from: 'k',
        key: { name: 'k2', class: 'approve', type: 'ed25519' },
      },
      { id: 'bak', kind: 'backup-key', from: 'a', to: 'b', key: 'k' },
      { id: 'ret', kind: 'retire-key', token: 'a', key: 'k' },
    ],
    ...over,
  };
}

function code(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    return e instanceof QtError ? e.code : String(e);
  }
  return undefined;
}

function ready(): CeremonyState {
  let s = startCeremony(parseScript(base()));
  for (const p of ['adm', 'c1', 'c2', 'w1']) s = checkIn(s, p);
  return s;
}

describe('ceremony scripts', () => {
  it('accepts a well-formed script and builds labels', () => {
    const s = parseScript(base());
    expect(keyLabel(s, 'approve', 'k')).toBe('qt:acme:prod:approve:k');
    expect(roleOf(s, 'adm')).toBe('administrator');
    expect(roleOf(s, 'c2')).toBe('custodian');
    expect(roleOf(s, 'w2')).toBe('witness');
    expect(roleOf(s, 'eve')).toBeUndefined();
  });

  const hostile: [string, Record<string, unknown>, string][] = [
    ['wrong type', { type: 'x' }, 'QT_CEREMONY_SCRIPT'],
    ['unknown member', { extra: 1 }, 'QT_CEREMONY_SCRIPT'],
    [
      'quorum above N',
      {
        roles: {
          ...(base().roles as object),
          custodians: {
            quorum: 4,
            members: (base().roles as { custodians: { members: unknown[] } }).custodians.members,
          },
        },
      },
      'QT_CEREMONY_SCRIPT',
    ],
    [
      'witnesses above named',
      { roles: { ...(base().roles as object), witnesses: { required: 3, members: ['w1', 'w2'] } } },
      'QT_CEREMONY_SCRIPT',
    ],
    [
      'overlapping roles',
      { roles: { ...(base().roles as object), administrator: 'c1' } },
      'QT_CEREMONY_SCRIPT',
    ],
    [
      'witness is custodian',
      { roles: { ...(base().roles as object), witnesses: { required: 1, members: ['c1'] } } },
      'QT_CEREMONY_SCRIPT',
    ],
    [
      'duplicate token',
      {
        tokens: [
          { name: 'a', label: 'x' },
          { name: 'a', label: 'y' },
        ],
      },
      'QT_CEREMONY_SCRIPT',
    ],
    [
      'duplicate label',
      {
        tokens: [
          { name: 'a', label: 'x' },
          { name: 'b', label: 'x' },
        ],
      },
      'QT_CEREMONY_SCRIPT',
    ],
    [
      'duplicate step id',
      {
        steps: [
          { id: 'i', kind: 'init-token', token: 'a' },
          { id: 'i', kind: 'init-token', token: 'b' },
        ],
      },
      'QT_CEREMONY_SCRIPT',
    ],
    ['unknown token', { steps: [{ id: 'i', kind: 'init-token', token: 'zz' }] }, 'QT_CEREMONY_SCRIPT'],
    [
      'init twice',
      {
        steps: [
          { id: 'i', kind: 'init-token', token: 'a' },
          { id: 'j', kind: 'init-token', token: 'a' },
        ],
      },
      'QT_CEREMONY_SCRIPT',
    ],
    [
      'use before init',
      {
        steps: [{ id: 'g', kind: 'generate-key', token: 'a', key: { name: 'k', class: 'c', type: 'p256' } }],
      },
      'QT_CEREMONY_SCRIPT',
    ],
    [
      'key twice',
      {
        steps: [
          { id: 'i', kind: 'init-token', token: 'a' },
          { id: 'g', kind: 'generate-key', token: 'a', key: { name: 'k', class: 'c', type: 'p256' } },
          { id: 'h', kind: 'generate-seal-key', token: 'a', key: { name: 'k', class: 'c' } },
        ],
      },
      'QT_CEREMONY_SCRIPT',
    ],
    [
      'retire missing key',
      {
        steps: [
          { id: 'i', kind: 'init-token', token: 'a' },
          { id: 'r', kind: 'retire-key', token: 'a', key: 'nope' },
        ],
      },
      'QT_CEREMONY_SCRIPT',
    ],
    [
      'rotate a seal key',
      {
        steps: [
          { id: 'i', kind: 'init-token', token: 'a' },
          { id: 'h', kind: 'generate-seal-key', token: 'a', key: { name: 's', class: 'c' } },
          {
            id: 'r',
            kind: 'rotate-key',
            token: 'a',
            from: 's',
            key: { name: 'n', class: 'c', type: 'p256' },
          },
        ],
      },
      'QT_CEREMONY_SCRIPT',
    ],
    [
      'backup Ed25519',
      {
        steps: [
          { id: 'i', kind: 'init-token', token: 'a' },
          { id: 'j', kind: 'init-token', token: 'b' },
          {
            id: 'g',
            kind: 'generate-key',
            token: 'a',
            key: { name: 'k', class: 'c', type: 'ed25519', backupable: true },
          },
          { id: 'b', kind: 'backup-key', from: 'a', to: 'b', key: 'k' },
        ],
      },
      'QT_CEREMONY_BACKUP_UNSUPPORTED',
    ],
    [
      'backup non-backupable',
      {
        steps: [
          { id: 'i', kind: 'init-token', token: 'a' },
          { id: 'j', kind: 'init-token', token: 'b' },
          { id: 'g', kind: 'generate-key', token: 'a', key: { name: 'k', class: 'c', type: 'p256' } },
          { id: 'b', kind: 'backup-key', from: 'a', to: 'b', key: 'k' },
        ],
      },
      'QT_CEREMONY_BACKUP_UNSUPPORTED',
    ],
    [
      'backup to itself',
      {
        steps: [
          { id: 'i', kind: 'init-token', token: 'a' },
          { id: 'b', kind: 'backup-key', from: 'a', to: 'a', key: 'k' },
        ],
      },
      'QT_CEREMONY_SCRIPT',
    ],
    [
      'label too long',
      {
        tenant: 'a'.repeat(32),
        env: 'b'.repeat(32),
        steps: [
          { id: 'i', kind: 'init-token', token: 'a' },
          { id: 'g', kind: 'generate-seal-key', token: 'a', key: { name: 'k', class: 'c' } },
        ],
      },
      'QT_CEREMONY_SCRIPT',
    ],
    [
      'existing key without public key',
      {
        existingKeys: [{ token: 'a', name: 'k', class: 'c', type: 'p256' }],
        steps: [{ id: 'r', kind: 'retire-key', token: 'a', key: 'k' }],
      },
      'QT_CEREMONY_SCRIPT',
    ],
    [
      'bad x25519',
      {
        roles: {
          ...(base().roles as object),
          custodians: {
            quorum: 2,
            members: [
              { id: 'c1', seal: { x25519: 'A'.repeat(42) + 'B' } },
              { id: 'c2', seal: { passphrase: true } },
            ],
          },
        },
      },
      'QT_CEREMONY_SCRIPT',
    ],
    [
      'quorum of one',
      {
        roles: {
          ...(base().roles as object),
          custodians: {
            quorum: 1,
            members: [
              { id: 'c1', seal: { passphrase: true } },
              { id: 'c2', seal: { passphrase: true } },
            ],
          },
        },
      },
      'QT_CEREMONY_SCRIPT',
    ],
    ['not an object', { steps: 'x' }, 'QT_CEREMONY_SCRIPT'],
  ];
  it.each(hostile)('refuses a hostile script: %s', (_name, over, want) => {
    expect(code(() => parseScript(base(over)))).toBe(want);
  });

  it('refuses an existing key listed twice, a bad path element and a backup onto a held name', () => {
    const k = { token: 'a', name: 'old', class: 'c', type: 'aes-256' };
    expect(
      code(() =>
        parseScript(
          base({ existingKeys: [k, k], steps: [{ id: 'r', kind: 'retire-key', token: 'a', key: 'old' }] }),
        ),
      ),
    ).toBe('QT_CEREMONY_SCRIPT');
    const e = (() => {
      try {
        parseScript(base({ steps: [{ id: 'BAD', kind: 'init-token', token: 'a' }] }));
      } catch (x) {
        return x as QtError;
      }
      return undefined;
    })();
    expect(e?.path).toBe('$.steps[0].id');
    const both = [
      { token: 'a', name: 'k', class: 'c', type: 'p256', publicKey: PK, backupable: true },
      { token: 'b', name: 'k', class: 'c', type: 'aes-256' },
    ];
    expect(
      code(() =>
        parseScript(
          base({
            existingKeys: both,
            steps: [{ id: 'b', kind: 'backup-key', from: 'a', to: 'b', key: 'k' }],
          }),
        ),
      ),
    ).toBe('QT_CEREMONY_SCRIPT');
  });

  it('accepts existing keys from an earlier ceremony', () => {
    const s = parseScript(
      base({
        existingKeys: [
          { token: 'a', name: 'old', class: 'c', type: 'p256', publicKey: PK },
          { token: 'a', name: 'kek', class: 'seal', type: 'aes-256' },
        ],
        steps: [{ id: 'r', kind: 'retire-key', token: 'a', key: 'old' }],
      }),
    );
    const st = startCeremony(s);
    expect(findKey(st, 'a', 'old')).toMatchObject({ label: 'qt:acme:prod:c:old', publicKey: PK });
    expect(findKey(st, 'a', 'kek')).toMatchObject({ type: 'aes-256', status: 'active' });
    expect(findKey(st, 'a', 'kek')?.publicKey).toBeUndefined();
  });
});

describe('the ceremony state machine', () => {
  it('runs the whole script in order with quorum and records key states', () => {
    let s = ready();
    expect(requirements(s)).toMatchObject({ userPin: [], soPin: [], quorum: 2, witnesses: 1 });
    s = completeStep(beginStep(s, 'init-a', []));
    s = completeStep(beginStep(s, 'init-b', []));
    expect(requirements(s)).toMatchObject({ userPin: ['a'] });
    s = completeStep(beginStep(s, 'gen', ['c1', 'c2']), { publicKeys: { 'a/k': 'PK1' } });
    s = completeStep(beginStep(s, 'seal', ['c2', 'c1']));
    s = completeStep(beginStep(s, 'rot', ['c1', 'c2']), { publicKeys: { 'a/k2': 'PK2' } });
    expect(findKey(s, 'a', 'k')?.status).toBe('retiring');
    expect(requirements(s)).toMatchObject({ userPin: ['a', 'b'], soPin: ['a'] });
    s = completeStep(beginStep(s, 'bak', ['c1', 'c2']));
    expect(findKey(s, 'b', 'k')).toMatchObject({ publicKey: 'PK1', status: 'active' });
    s = completeStep(beginStep(s, 'ret', ['c1', 'c2']));
    expect(findKey(s, 'a', 'k')).toBeUndefined();
    expect(s.status).toBe('complete');
    expect(requirements(s)).toBeUndefined();
    expect(code(() => beginStep(s, 'ret', []))).toBe('QT_CEREMONY_STATE');
    expect(code(() => failStep(s, 'QT_X', 'late'))).toBe('QT_CEREMONY_STATE');
  });

  it('enforces order', () => {
    const s = ready();
    expect(code(() => beginStep(s, 'gen', ['c1', 'c2']))).toBe('QT_CEREMONY_ORDER');
    expect(code(() => completeStep(s))).toBe('QT_CEREMONY_STATE');
    const started = beginStep(s, 'init-a', []);
    expect(code(() => beginStep(started, 'init-a', []))).toBe('QT_CEREMONY_STATE');
    expect(code(() => checkIn(started, 'w2'))).toBe('QT_CEREMONY_STATE');
    expect(code(() => checkOut(started, 'w1'))).toBe('QT_CEREMONY_STATE');
  });

  it('enforces roles: participants only, administrator and witnesses present', () => {
    let s = startCeremony(parseScript(base()));
    expect(code(() => checkIn(s, 'eve'))).toBe('QT_CEREMONY_ROLE');
    s = checkIn(s, 'w1');
    expect(checkIn(s, 'w1')).toBe(s);
    expect(code(() => beginStep(s, 'init-a', []))).toBe('QT_CEREMONY_ROLE');
    s = checkIn(s, 'adm');
    s = checkOut(s, 'w1');
    expect(code(() => beginStep(s, 'init-a', []))).toBe('QT_CEREMONY_WITNESSES');
  });

  it('enforces the quorum: enough, distinct, present custodians', () => {
    let s = ready();
    s = completeStep(beginStep(s, 'init-a', []));
    s = completeStep(beginStep(s, 'init-b', []));
    expect(code(() => beginStep(s, 'gen', ['c1']))).toBe('QT_CEREMONY_QUORUM');
    expect(code(() => beginStep(s, 'gen', ['c1', 'c1']))).toBe('QT_CEREMONY_QUORUM');
    expect(code(() => beginStep(s, 'gen', ['c1', 'w1']))).toBe('QT_CEREMONY_CUSTODIAN');
    expect(code(() => beginStep(s, 'gen', ['c1', 'c3']))).toBe('QT_CEREMONY_CUSTODIAN');
    expect(code(() => completeStep(beginStep(s, 'gen', ['c1', 'c2'])))).toBe('QT_CEREMONY_OUTCOME');
  });

  it('fails a step and refuses everything after', () => {
    let s = ready();
    s = failStep(beginStep(s, 'init-a', []), 'QT_HSM_TOKEN_ABSENT', 'gone');
    expect(s).toMatchObject({ status: 'failed', failure: { step: 'init-a', code: 'QT_HSM_TOKEN_ABSENT' } });
    expect(code(() => beginStep(s, 'init-b', []))).toBe('QT_CEREMONY_STATE');
    expect(code(() => checkIn(s, 'w2'))).toBe('QT_CEREMONY_STATE');
    expect(code(() => failStep(s, 'QT_X', 'again'))).toBe('QT_CEREMONY_STATE');
  });
});
