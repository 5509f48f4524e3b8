// Electron fuses for the packaged kiosk, flipped in the binary by after-pack.mjs (before signing).
// What each one does: https://www.electronjs.org/docs/latest/tutorial/fuses
import { FuseV1Options, FuseVersion } from '@electron/fuses';

/** Every fuse we set, by name, so a test can read the policy without the enum's numbers. */
export const FUSE_POLICY = Object.freeze({
  // The binary can never be used as a plain Node.js (ELECTRON_RUN_AS_NODE).
  RunAsNode: false,
  EnableCookieEncryption: true,
  // NODE_OPTIONS and --inspect cannot inject code or attach a debugger.
  EnableNodeOptionsEnvironmentVariable: false,
  EnableNodeCliInspectArguments: false,
  // app.asar is checked against the hash electron-builder embeds (Windows and macOS; Linux has
  // no embedded-integrity support in Electron yet, so there the fuse is inert).
  EnableEmbeddedAsarIntegrityValidation: true,
  // Only the code in app.asar runs, never a loose app/ folder placed beside it.
  OnlyLoadAppFromAsar: true,
  LoadBrowserProcessSpecificV8Snapshot: false,
  // The renderer is loaded from app://, so file:// keeps no extra privileges.
  GrantFileProtocolExtraPrivileges: false,
});

/** The @electron/fuses configuration for flipFuses(). */
export function fuseConfig() {
  const config = { version: FuseVersion.V1, resetAdHocDarwinSignature: process.platform === 'darwin' };
  for (const [name, value] of Object.entries(FUSE_POLICY)) {
    const index = FuseV1Options[name];
    if (typeof index !== 'number') throw new Error(`@electron/fuses does not know the fuse ${name}.`);
    config[index] = value;
  }
  return config;
}
