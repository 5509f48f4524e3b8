/** What the preload exposes to the renderer as window.kiosk: named functions only, no generic IPC. */
export interface KioskBridge {
  /** Version of this bridge's shape, so the renderer can tell an old preload from a new one. */
  readonly bridgeVersion: 1;
}

declare global {
  interface Window {
    /** Present inside the Electron kiosk; absent when the renderer runs in a plain browser. */
    readonly kiosk?: KioskBridge;
  }
}
