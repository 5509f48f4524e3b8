import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FuseV1Options, FuseVersion } from '@electron/fuses';
import { describe, expect, it, vi } from 'vitest';
import afterPack, { executablePath } from '../../../scripts/packaging/after-pack.mjs';
import { FUSE_POLICY, fuseConfig } from '../../../scripts/packaging/fuses.mjs';

// `npm run dist` cannot run here (it needs Electron's downloads); what can be checked without it is.

const repoRoot = join(import.meta.dirname, '../../..');
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a JSON document, checked field by field
type Json = Record<string, any>;
const builder = JSON.parse(readFileSync(join(repoRoot, 'electron-builder.json'), 'utf8')) as Json;

describe('Electron fuses', () => {
  it('turn off RunAsNode, NODE_OPTIONS and inspect, and turn on ASAR integrity and asar-only loading', () => {
    const config = fuseConfig() as unknown as Record<number | string, unknown>;
    expect(config['version']).toBe(FuseVersion.V1);
    expect(config[FuseV1Options.RunAsNode]).toBe(false);
    expect(config[FuseV1Options.EnableNodeOptionsEnvironmentVariable]).toBe(false);
    expect(config[FuseV1Options.EnableNodeCliInspectArguments]).toBe(false);
    expect(config[FuseV1Options.EnableEmbeddedAsarIntegrityValidation]).toBe(true);
    expect(config[FuseV1Options.OnlyLoadAppFromAsar]).toBe(true);
    expect(config[FuseV1Options.EnableCookieEncryption]).toBe(true);
    expect(config[FuseV1Options.GrantFileProtocolExtraPrivileges]).toBe(false);
  });

  it('sets every fuse this version of @electron/fuses knows', () => {
    const known = Object.keys(FuseV1Options).filter((key) => Number.isNaN(Number(key)));
    expect(Object.keys(FUSE_POLICY).sort()).toEqual(known.sort());
  });

  it('are flipped on the packed executable of each platform', async () => {
    const packager = { appInfo: { productFilename: 'Loyalty Kiosk' }, executableName: 'loyalty-kiosk' };
    expect(executablePath({ appOutDir: '/o', electronPlatformName: 'linux', packager })).toBe(
      '/o/loyalty-kiosk',
    );
    expect(executablePath({ appOutDir: '/o', electronPlatformName: 'win32', packager })).toBe(
      '/o/loyalty-kiosk.exe',
    );
    expect(executablePath({ appOutDir: '/o', electronPlatformName: 'darwin', packager })).toBe(
      '/o/Loyalty Kiosk.app',
    );
    const flip = vi.fn(async () => undefined);
    vi.spyOn(console, 'log').mockImplementation(() => {});
    await afterPack({ appOutDir: '/o', electronPlatformName: 'linux', packager }, flip);
    expect(flip).toHaveBeenCalledExactlyOnceWith('/o/loyalty-kiosk', fuseConfig());
  });
});

describe('electron-builder configuration', () => {
  it('builds AppImage and deb for Linux and nsis for Windows', () => {
    expect(builder['linux'].target).toEqual(['AppImage', 'deb']);
    expect(builder['win'].target).toEqual(['nsis']);
  });

  it('packs into an asar with better-sqlite3 unpacked and rebuilt for Electron', () => {
    expect(builder['asar']).toBe(true);
    expect(builder['asarUnpack']).toEqual(
      expect.arrayContaining(['**/*.node', 'node_modules/better-sqlite3/**']),
    );
    expect(builder['npmRebuild']).toBe(true);
    expect(builder['files']).toEqual(expect.arrayContaining(['out/**/*', 'package.json']));
  });

  it('flips the fuses with the afterPack hook and writes a generic update feed', () => {
    expect(builder['afterPack']).toBe('./scripts/packaging/after-pack.mjs');
    expect(builder['electronFuses']).toBeUndefined();
    expect(builder['publish']).toEqual([expect.objectContaining({ provider: 'generic' })]);
  });

  it('matches the scripts that use it', () => {
    const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as {
      main: string;
      scripts: Record<string, string>;
    };
    expect(pkg.main).toBe('./out/main/index.js');
    expect(pkg.scripts['dist']).toBe('node scripts/dist.mjs');
    const dist = readFileSync(join(repoRoot, 'scripts/dist.mjs'), 'utf8');
    expect(dist.replace(/\s+/g, ' ')).toContain("'--config', 'electron-builder.json', '--publish', 'never'");
    // electron-builder rebuilds better-sqlite3 for Electron in place; dist puts the Node build back.
    expect(dist).toContain("run(npm, ['rebuild', 'better-sqlite3'])");
  });
});
