import type {
  BRIDGE_VERSION as CONTRACT_VERSION,
  ChannelName,
  IpcResult,
  KioskBridge,
} from '../../shared/ipc';
import { CHANNEL_METHODS } from '../../shared/ipc-methods';

/** The contract's version; a type error here when src/shared/ipc.ts moves on without this shim. */
const BRIDGE_VERSION: typeof CONTRACT_VERSION = 4;

/**
 * In the browser host there is no preload, so this gives the page the same window.kiosk over HTTP:
 * one named function per contract channel, each posting `{ input }` to /api/v1/<channel> with the
 * per-start token the host put in the page's meta tag. In Electron the preload's bridge is
 * already there (and cannot be replaced), and no token tag exists, so this does nothing.
 */
const TOKEN_META = 'meta[name="kiosk-host-token"]';

async function post(channel: ChannelName, token: string, input: unknown): Promise<IpcResult<unknown>> {
  try {
    const response = await fetch(`./api/v1/${encodeURIComponent(channel)}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-kiosk-token': token },
      body: JSON.stringify({ input }),
      credentials: 'omit',
      cache: 'no-store',
    });
    return (await response.json()) as IpcResult<unknown>;
  } catch {
    return { ok: false, code: 'internal', message: 'The kiosk service is not answering. Please try again.' };
  }
}

export function installBrowserBridge(target: Window = window): boolean {
  if (target.kiosk) return false;
  const token = target.document.querySelector<HTMLMetaElement>(TOKEN_META)?.content;
  if (!token) return false;
  const bridge: Record<string, unknown> = { bridgeVersion: BRIDGE_VERSION };
  for (const [channel, method] of Object.entries(CHANNEL_METHODS)) {
    bridge[method] = (input?: unknown) => post(channel as ChannelName, token, input);
  }
  Object.defineProperty(target, 'kiosk', {
    value: Object.freeze(bridge) as KioskBridge,
    writable: false,
    configurable: false,
    enumerable: true,
  });
  return true;
}
