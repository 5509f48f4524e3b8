import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { StoreInfoSchema } from '../shared/sync';

/**
 * The pairing file of kiosks paired before the sync engine existed (`<dataDir>/pairing.json`:
 * server address, store, device token, plain or sealed by the OS keyring). Read only: openKiosk
 * (kiosk.ts) hands it to the sync engine once (adoptPairing) and deletes it, so the token has one
 * home, the engine's secret store. New pairings go through the engine (src/main/sync).
 */

/** Opens a token sealed at rest (Electron's safeStorage, base64). */
export interface SecretBox {
  open(sealed: string): string;
}

const PairingFileSchema = z.strictObject({
  version: z.literal(1),
  serverUrl: z.string(),
  deviceId: z.string(),
  storeId: z.string(),
  store: StoreInfoSchema,
  pairedAt: z.string(),
  token: z.discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('plain'), value: z.string() }),
    z.strictObject({ kind: z.literal('sealed'), value: z.string() }),
  ]),
});

export interface Pairing {
  serverUrl: string;
  deviceId: string;
  storeId: string;
  store: z.infer<typeof StoreInfoSchema>;
  pairedAt: string;
  /** The device's bearer token for the sync API. Never logged, never sent to the renderer. */
  token: string;
}

export function pairingFile(dataDir: string): string {
  return join(dataDir, 'pairing.json');
}

export function loadPairing(dataDir: string, secrets?: SecretBox): Pairing | null {
  const file = pairingFile(dataDir);
  if (!existsSync(file)) return null;
  const parsed = PairingFileSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
  if (parsed.token.kind === 'sealed' && !secrets) {
    throw new Error(`${file} holds a sealed token, but no keyring is available to open it.`);
  }
  const token = parsed.token.kind === 'sealed' ? secrets!.open(parsed.token.value) : parsed.token.value;
  const { version: _version, token: _token, ...rest } = parsed;
  return { ...rest, token };
}
