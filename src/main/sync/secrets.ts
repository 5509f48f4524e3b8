import { chmodSync, existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';

/**
 * Where the till keeps its device token. The sync engine only needs load/save/clear; the Electron
 * shell wires a store sealed with safeStorage (createSealedSecretStore with safeStorage's
 * encryptString/decryptString), the browser host and tests use a plain file readable by this user
 * only (createFileSecretStore).
 */
export interface SecretStore {
  load(): string | null;
  save(secret: string): void;
  clear(): void;
  /** How the secret is protected, for the manager's status screen. */
  readonly protection: 'os-keyring' | 'file-0600';
}

/** The two functions of Electron's safeStorage that sealing needs (no electron import here). */
export interface Sealer {
  encryptString(plain: string): Buffer;
  decryptString(sealed: Buffer): string;
}

function writeAtomically(path: string, content: string): void {
  const temporary = `${path}.${process.pid}.tmp`;
  try {
    writeFileSync(temporary, content, { mode: 0o600, flush: true });
    // The mode of an existing file is kept by writeFileSync: make sure it is 0600.
    chmodSync(temporary, 0o600);
    renameSync(temporary, path);
  } finally {
    rmSync(temporary, { force: true });
  }
}

/** The secret in a file with mode 0600 (owner read/write only), written atomically. */
export function createFileSecretStore(path: string): SecretStore {
  return {
    protection: 'file-0600',
    load: () => (existsSync(path) ? readFileSync(path, 'utf8').trim() || null : null),
    save: (secret) => writeAtomically(path, `${secret}\n`),
    clear: () => rmSync(path, { force: true }),
  };
}

/** The secret sealed by the OS keyring (Electron's safeStorage), kept in a 0600 file as base64. */
export function createSealedSecretStore(path: string, sealer: Sealer): SecretStore {
  return {
    protection: 'os-keyring',
    load() {
      if (!existsSync(path)) return null;
      const text = readFileSync(path, 'utf8').trim();
      return text ? sealer.decryptString(Buffer.from(text, 'base64')) : null;
    },
    save: (secret) => writeAtomically(path, `${sealer.encryptString(secret).toString('base64')}\n`),
    clear: () => rmSync(path, { force: true }),
  };
}

/** A store in memory, for tests of the engine alone. */
export function createMemorySecretStore(initial: string | null = null): SecretStore {
  let value = initial;
  return {
    protection: 'file-0600',
    load: () => value,
    save: (secret) => void (value = secret),
    clear: () => void (value = null),
  };
}
