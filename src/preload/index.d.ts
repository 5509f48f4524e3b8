import type { KioskBridge } from '../shared/ipc';

export type { KioskBridge };

declare global {
  interface Window {
    /** The kiosk bridge: the preload's in Electron, the shim's in the browser host; absent elsewhere. */
    readonly kiosk?: KioskBridge;
  }
}
