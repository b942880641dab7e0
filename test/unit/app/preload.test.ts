import { beforeAll, describe, expect, it, vi } from 'vitest';
import { CHANNEL_NAMES } from '../../../src-shared/ipc/index.js';

const exposed: Array<[string, unknown]> = [];
const invoke = vi.fn(async (_channel: string, _request: unknown) => ({ ok: true, value: { tenant: 't' } }));

vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (key: string, api: unknown) => exposed.push([key, api]) },
  ipcRenderer: { invoke, send: vi.fn(), on: vi.fn(), sendSync: vi.fn() },
}));

describe('preload', () => {
  beforeAll(async () => {
    await import('../../../src-main/preload/index.js');
  });

  it('exposes one object, window.qtrust, with exactly the contract methods', () => {
    expect(exposed).toHaveLength(1);
    const [key, api] = exposed[0] ?? [];
    expect(key).toBe('qtrust');
    expect(Object.keys(api as object).sort()).toEqual([...CHANNEL_NAMES].sort());
    expect(Object.values(api as object).every((v) => typeof v === 'function')).toBe(true);
  });

  it('does not expose ipcRenderer or any of its methods', () => {
    const api = exposed[0]?.[1] as Record<string, unknown>;
    for (const leaked of ['invoke', 'send', 'on', 'sendSync', 'ipcRenderer'])
      expect(api).not.toHaveProperty(leaked);
  });

  it('forwards a call as ipcRenderer.invoke(channel, request)', async () => {
    const api = exposed[0]?.[1] as { readSettings(r: object): Promise<unknown> };
    expect(await api.readSettings({})).toEqual({ ok: true, value: { tenant: 't' } });
    expect(invoke).toHaveBeenCalledWith('readSettings', {});
  });
});
