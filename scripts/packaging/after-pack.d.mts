import type { FuseV1Config } from '@electron/fuses';

export interface PackContext {
  appOutDir: string;
  electronPlatformName: string;
  packager: { appInfo: { productFilename: string }; executableName?: string };
}
export declare function executablePath(context: PackContext): string;
export default function afterPack(
  context: PackContext,
  flip?: (executable: string, config: FuseV1Config) => Promise<unknown>,
): Promise<void>;
