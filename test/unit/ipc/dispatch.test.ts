import { describe, expect, it, vi } from 'vitest';
import { QtError } from '../../../src-shared/errors.js';
import { CHANNEL_NAMES, MAX_REQUEST_DEPTH, MAX_REQUEST_SIZE } from '../../../src-shared/ipc/index.js';
import { dispatch } from '../../../src-main/ipc/dispatch.js';
import { spyServices, validRequest } from './spy-services.js';

class LookAlike {
  constructor() {
    Object.assign(this, {});
  }
}

function deep(depth: number): unknown {
  let v: unknown = {};
  for (let i = 0; i < depth; i++) v = { a: v };
  return v;
}

const cyclic: Record<string, unknown> = {};
cyclic['self'] = cyclic;

// Every malformed request below must be refused before any service runs.
const MALFORMED: ReadonlyArray<[string, () => unknown]> = [
  ['undefined', () => undefined],
  ['null', () => null],
  ['a string', () => 'x'],
  ['a number', () => 1],
  ['NaN', () => NaN],
  ['a boolean', () => true],
  ['an array', () => []],
  ['a Uint8Array', () => new Uint8Array(2)],
  ['a Date', () => new Date(0)],
  ['a Map', () => new Map()],
  ['a class instance', () => new LookAlike()],
  ['an object with a foreign prototype', () => Object.create({ polluted: true })],
  ['an extra field', () => ({ extra: 1 })],
  ['an own __proto__ key', () => JSON.parse('{"__proto__":{"admin":true}}')],
  ['a constructor key', () => ({ constructor: 'x' })],
  ['an oversized payload', () => ({ pad: 'x'.repeat(MAX_REQUEST_SIZE + 1) })],
  ['an oversized array', () => ({ pad: new Array(MAX_REQUEST_SIZE + 1).fill(0) })],
  ['too deep a nesting', () => deep(MAX_REQUEST_DEPTH + 2)],
  ['a cycle', () => cyclic],
  ['a getter', () => Object.defineProperty({}, 'x', { get: () => 1, enumerable: true })],
  ['a hidden property', () => Object.defineProperty({}, 'x', { value: 1, enumerable: false })],
  ['a symbol key', () => ({ [Symbol('s')]: 1 })],
  ['a function value', () => ({ f: () => 1 })],
  ['an infinite number', () => ({ n: Infinity })],
  ['a bigint', () => ({ n: 1n })],
  ['a sparse array', () => ({ a: new Array(3) })],
];

describe('dispatch', () => {
  for (const channel of CHANNEL_NAMES) {
    describe(channel, () => {
      it('answers a valid request', async () => {
        const { services, calls } = spyServices();
        const r = await dispatch(services, channel, validRequest(channel));
        expect(r.ok).toBe(true);
        expect(calls()).toBe(1);
      });

      it('accepts a null-prototype object', async () => {
        const { services } = spyServices();
        const request = Object.assign(Object.create(null) as object, validRequest(channel));
        expect((await dispatch(services, channel, request)).ok).toBe(true);
      });

      it('refuses a valid request with one extra field', async () => {
        const { services, calls } = spyServices();
        const r = await dispatch(services, channel, { ...validRequest(channel), extra: 1 });
        expect(r).toMatchObject({ ok: false, code: 'QT_BAD_REQUEST' });
        expect(calls()).toBe(0);
      });

      for (const field of Object.keys(validRequest(channel))) {
        it(`refuses a request without ${field}, or with ${field} of another type`, async () => {
          const { services, calls } = spyServices();
          const { [field]: value, ...rest } = validRequest(channel);
          expect(await dispatch(services, channel, rest)).toMatchObject({
            ok: false,
            code: 'QT_BAD_REQUEST',
          });
          const wrong = typeof value === 'string' ? 1 : 'x';
          expect(await dispatch(services, channel, { ...rest, [field]: wrong })).toMatchObject({
            ok: false,
            code: 'QT_BAD_REQUEST',
          });
          expect(calls()).toBe(0);
        });
      }

      for (const [what, make] of MALFORMED) {
        it(`refuses ${what} with QT_BAD_REQUEST before any service runs`, async () => {
          const { services, calls } = spyServices();
          const r = await dispatch(services, channel, make());
          expect(r).toMatchObject({ ok: false, code: 'QT_BAD_REQUEST' });
          expect(r.ok ? '' : r.message).toContain(channel);
          expect(calls()).toBe(0);
        });
      }
    });
  }

  it.each([
    ['an unknown name', 'readSecrets'],
    ['a case variant', 'readappinfo'],
    ['an inherited name', 'toString'],
    ['__proto__', '__proto__'],
    ['constructor', 'constructor'],
    ['hasOwnProperty', 'hasOwnProperty'],
    ['the empty string', ''],
    ['a number', 1],
    ['null', null],
    ['an object', { toString: () => 'readAppInfo' }],
  ])('refuses %s as channel', async (_what, channel) => {
    const { services, calls } = spyServices();
    const r = await dispatch(services, channel, {});
    expect(r).toMatchObject({ ok: false, code: 'QT_BAD_REQUEST' });
    expect(calls()).toBe(0);
  });

  it('does not echo a long unknown channel name in full', async () => {
    const { services } = spyServices();
    const r = await dispatch(services, 'x'.repeat(10_000), {});
    expect(r.ok ? '' : r.message.length).toBeLessThan(200);
  });

  it('maps a QtError from a service to its code and message', async () => {
    const { services, spies } = spyServices();
    spies.settings.read.mockImplementation(() => {
      throw new QtError('QT_BAD_TENANT', 'tenant is not valid');
    });
    expect(await dispatch(services, 'readSettings', {})).toEqual({
      ok: false,
      code: 'QT_BAD_TENANT',
      message: 'tenant is not valid',
    });
  });

  it('hides foreign errors behind QT_INTERNAL without message or stack', async () => {
    const { services, spies } = spyServices();
    spies.appInfo.read.mockImplementation(() => {
      throw new Error('secret path /home/alice/.ssh at line 3');
    });
    const onInternalError = vi.fn();
    const r = await dispatch(services, 'readAppInfo', {}, { onInternalError });
    expect(r).toEqual({ ok: false, code: 'QT_INTERNAL', message: 'readAppInfo: internal error' });
    expect(JSON.stringify(r)).not.toContain('alice');
    expect(onInternalError).toHaveBeenCalledOnce();
  });

  it('handles a rejected promise from a service', async () => {
    const { services, spies } = spyServices();
    spies.suites.selfTest.mockImplementation(() => Promise.reject(new TypeError('boom')) as never);
    expect(await dispatch(services, 'readSelfTest', {})).toMatchObject({ ok: false, code: 'QT_INTERNAL' });
  });

  it.each([
    ['an extra field', { tenant: 't1', admin: true }],
    ['a wrong type', { tenant: 7 }],
    ['a missing field', {}],
    ['a non-object', 'x'],
  ])('fails closed with QT_INTERNAL when a service answers with %s', async (_what, answer) => {
    const { services, spies } = spyServices();
    spies.settings.read.mockImplementation(() => answer as never);
    const onInternalError = vi.fn();
    const r = await dispatch(services, 'readSettings', {}, { onInternalError });
    expect(r).toMatchObject({ ok: false, code: 'QT_INTERNAL' });
    expect(onInternalError).toHaveBeenCalledOnce();
  });

  it('clips overly long QtError messages', async () => {
    const { services, spies } = spyServices();
    spies.settings.read.mockImplementation(() => {
      throw new QtError('QT_RANGE', 'y'.repeat(5000));
    });
    const r = await dispatch(services, 'readSettings', {});
    expect(r.ok ? 0 : r.message.length).toBeLessThanOrEqual(1024);
  });

  it('names the offending field of a schema failure', async () => {
    const { services } = spyServices();
    const r = await dispatch(services, 'readSuites', { page: 2 });
    expect(r.ok ? '' : r.message).toMatch(/page|unrecognized/i);
  });
});
