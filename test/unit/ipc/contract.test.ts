import { describe, expect, it, vi } from 'vitest';
import { CHANNEL_NAMES, CONTRACT, createClient, isChannelName } from '../../../src-shared/ipc/index.js';

describe('contract', () => {
  it('names every channel by its kind, and keys CHANNEL_NAMES in contract order', () => {
    expect(CHANNEL_NAMES).toEqual(Object.keys(CONTRACT));
    for (const name of CHANNEL_NAMES) {
      const spec = CONTRACT[name];
      expect(name.startsWith(spec.kind), name).toBe(true);
      expect(name).toMatch(/^(read|write)[A-Z][A-Za-z]+$/);
    }
  });

  it('has the app shell and policy channels (other features add theirs)', () => {
    expect([...CHANNEL_NAMES].sort()).toEqual(
      expect.arrayContaining([
        'readAppInfo',
        'readPolicy',
        'readPolicySimulation',
        'readSelfTest',
        'readSettings',
        'readSuites',
        'writeLoadPolicy',
        'writePolicySigners',
      ]),
    );
    expect(CONTRACT.writeLoadPolicy.kind).toBe('write');
    expect(CONTRACT.writePolicySigners.kind).toBe('write');
    expect(CONTRACT.readPolicySimulation.kind).toBe('read');
  });

  it('uses strict request schemas that refuse unknown fields', () => {
    for (const name of CHANNEL_NAMES) {
      expect(CONTRACT[name].request.safeParse({ unexpected: 1 }).success, name).toBe(false);
    }
  });

  it('uses strict response schemas that refuse unknown fields', () => {
    const valid = CONTRACT.readSettings.response.safeParse({ tenant: 'a' });
    expect(valid.success).toBe(true);
    expect(CONTRACT.readSettings.response.safeParse({ tenant: 'a', x: 1 }).success).toBe(false);
    expect(
      CONTRACT.readSelfTest.response.safeParse({
        ok: true,
        results: [{ suite: 'ed25519', ok: true, ms: 1, error: null, stack: 'x' }],
      }).success,
    ).toBe(false);
  });

  it('recognizes only own channel names', () => {
    expect(isChannelName('readAppInfo')).toBe(true);
    for (const bad of [
      'toString',
      '__proto__',
      'constructor',
      'valueOf',
      '',
      'READAPPINFO',
      1,
      null,
      undefined,
    ]) {
      expect(isChannelName(bad)).toBe(false);
    }
  });
});

describe('createClient', () => {
  const okAnswer = { ok: true, value: { tenant: 't' } };

  it('exposes exactly the contract channels, frozen', () => {
    const api = createClient(async () => okAnswer);
    expect(Object.keys(api).sort()).toEqual([...CHANNEL_NAMES].sort());
    expect(Object.isFrozen(api)).toBe(true);
    for (const key of Object.keys(api)) expect(typeof (api as Record<string, unknown>)[key]).toBe('function');
  });

  it('refuses a non-function invoke', () => {
    expect(() => createClient('x' as never)).toThrow(TypeError);
  });

  it('passes the channel name and the request through unchanged', async () => {
    const invoke = vi.fn(async () => okAnswer);
    const api = createClient(invoke);
    const request = {};
    expect(await api.readSettings(request)).toEqual(okAnswer);
    expect(invoke).toHaveBeenCalledWith('readSettings', request);
  });

  it('passes error results through', async () => {
    const api = createClient(async () => ({ ok: false, code: 'QT_BAD_REQUEST', message: 'no' }));
    expect(await api.readSettings({})).toEqual({ ok: false, code: 'QT_BAD_REQUEST', message: 'no' });
  });

  it.each([
    ['a value of the wrong shape', { ok: true, value: { tenant: 1 } }],
    ['an extra field in the value', { ok: true, value: { tenant: 't', x: 1 } }],
    ['an extra field in the result', { ok: true, value: { tenant: 't' }, stack: 'x' }],
    ['an error without QT_ code', { ok: false, code: 'EPERM', message: 'x' }],
    ['an error with a stack', { ok: false, code: 'QT_X', message: 'x', stack: 'at y' }],
    ['a bare value', { tenant: 't' }],
    ['null', null],
    ['undefined', undefined],
  ])('turns %s from main into QT_BAD_RESPONSE', async (_what, answer) => {
    const api = createClient(async () => answer);
    expect(await api.readSettings({})).toMatchObject({ ok: false, code: 'QT_BAD_RESPONSE' });
  });

  it('turns a failed transport into QT_IPC_FAILED', async () => {
    const api = createClient(async () => {
      throw new Error('Error invoking remote method: secret detail');
    });
    const r = await api.readAppInfo({});
    expect(r).toMatchObject({ ok: false, code: 'QT_IPC_FAILED' });
    expect(JSON.stringify(r)).not.toContain('secret');
  });
});
