import { contextBridge } from 'electron';
import type { KioskBridge } from './index.d';

// The bridge between the untrusted renderer and main. It exposes one named function per IPC
// channel and nothing generic (no invoke(channel, …), no ipcRenderer, no process.env). The
// channels arrive with the IPC issue; until then the bridge only says which version it speaks.
const kiosk: KioskBridge = Object.freeze({ bridgeVersion: 1 });

contextBridge.exposeInMainWorld('kiosk', kiosk);
