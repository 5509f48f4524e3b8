import { beforeAll, describe, expect, it, vi } from 'vitest';
import { BRIDGE_VERSION, ipcContract } from '../../../src/shared/ipc';

// The preload with a fake electron: what it exposes, and where each function sends its input.
const exposed = new Map<string, unknown>();
const invoke = vi.fn(async (channel: string, input: unknown) => ({ ok: true, value: { channel, input } }));
vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (key: string, api: unknown) => exposed.set(key, api) },
  ipcRenderer: { invoke: (channel: string, input: unknown) => invoke(channel, input) },
}));

describe('the preload bridge', () => {
  beforeAll(async () => {
    await import('../../../src/preload/index');
  });

  it('exposes only window.kiosk, frozen, with one function per channel and the bridge version', () => {
    expect([...exposed.keys()]).toEqual(['kiosk']);
    const kiosk = exposed.get('kiosk') as Record<string, unknown>;
    expect(Object.isFrozen(kiosk)).toBe(true);
    const methods = Object.values(ipcContract).map((entry) => entry.method);
    expect(Object.keys(kiosk).sort()).toEqual(['bridgeVersion', ...methods].sort());
    expect(kiosk['bridgeVersion']).toBe(BRIDGE_VERSION);
    for (const method of methods) expect(typeof kiosk[method]).toBe('function');
    expect(kiosk).not.toHaveProperty('invoke');
    expect(kiosk).not.toHaveProperty('env');
  });

  it.each(Object.entries(ipcContract))(
    '%s: its function sends one argument to that channel',
    async (channel, entry) => {
      const kiosk = exposed.get('kiosk') as Record<string, (input?: unknown) => Promise<unknown>>;
      invoke.mockClear();
      const input = { marker: channel };
      await expect(kiosk[entry.method]?.(input)).resolves.toEqual({ ok: true, value: { channel, input } });
      expect(invoke).toHaveBeenCalledExactlyOnceWith(channel, input);
    },
  );
});
