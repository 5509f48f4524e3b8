import { EventEmitter } from 'node:events';
import { vi } from 'vitest';

/** Small stand-ins for Electron objects: record what the shell registers, then fire it. */

export class FakeEvent {
  defaultPrevented = false;
  constructor(readonly fields: Record<string, unknown> = {}) {
    Object.assign(this, fields);
  }
  preventDefault() {
    this.defaultPrevented = true;
  }
}

export class FakeWebContents extends EventEmitter {
  windowOpenHandler: ((details: { url: string }) => { action: string }) | null = null;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: string }) {
    this.windowOpenHandler = handler;
  }
}

export class FakeSession extends EventEmitter {
  permissionRequest: ((...args: unknown[]) => void) | null = null;
  permissionCheck: ((...args: unknown[]) => boolean) | null = null;
  devicePermission: ((...args: unknown[]) => boolean) | null = null;
  displayMedia: ((...args: unknown[]) => void) | null = null;
  beforeRequest: ((details: { url: string }, callback: (r: { cancel: boolean }) => void) => void) | null =
    null;
  setPermissionRequestHandler = vi.fn((handler) => void (this.permissionRequest = handler));
  setPermissionCheckHandler = vi.fn((handler) => void (this.permissionCheck = handler));
  setDevicePermissionHandler = vi.fn((handler) => void (this.devicePermission = handler));
  setDisplayMediaRequestHandler = vi.fn((handler) => void (this.displayMedia = handler));
  webRequest = { onBeforeRequest: vi.fn((handler) => void (this.beforeRequest = handler)) };
}
