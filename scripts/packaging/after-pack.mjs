// electron-builder afterPack hook: flips the kiosk's Electron fuses (fuses.mjs) in the packed
// binary. It runs after electron-builder has embedded the ASAR integrity hash and before it signs,
// which is the order fuses need (flipping after signing would break the signature).
import { join } from 'node:path';
import { flipFuses } from '@electron/fuses';
import { fuseConfig } from './fuses.mjs';

/** The packed Electron executable of a build, per platform. */
export function executablePath(context) {
  const { appOutDir, electronPlatformName, packager } = context;
  const productFilename = packager.appInfo.productFilename;
  switch (electronPlatformName) {
    case 'darwin':
    case 'mas':
      return join(appOutDir, `${productFilename}.app`);
    case 'win32':
      return join(appOutDir, `${packager.executableName ?? productFilename}.exe`);
    default:
      return join(appOutDir, packager.executableName);
  }
}

export default async function afterPack(context, flip = flipFuses) {
  const executable = executablePath(context);
  const config = fuseConfig();
  await flip(executable, config);
  console.log(`  • fuses flipped  file=${executable}`);
}
