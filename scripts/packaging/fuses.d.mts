import type { FuseV1Config } from '@electron/fuses';

export declare const FUSE_POLICY: Readonly<Record<string, boolean>>;
export declare function fuseConfig(): FuseV1Config;
