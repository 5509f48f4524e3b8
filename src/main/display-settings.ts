import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Log } from './logging';
import { DEFAULT_DISPLAY_SETTINGS, DisplaySettingsSchema, type DisplaySettings } from '../shared/ipc';
import { parseInput } from './ledger/input';

/**
 * How the screens look and behave (idle timeout, language, brand colour, logo): the manager's
 * choice, kept on this till only in `display-settings.json` in the data folder. Written to a temp
 * file and renamed over the old one, so a crash leaves either the old or the new settings. A file
 * that cannot be read gives the defaults (and is logged), never a kiosk that cannot start.
 */

export const DISPLAY_SETTINGS_FILE = 'display-settings.json';

export interface DisplaySettingsStore {
  get(): DisplaySettings;
  update(settings: unknown): DisplaySettings;
}

export function createDisplaySettingsStore(dataDir: string, log: Log): DisplaySettingsStore {
  const file = join(dataDir, DISPLAY_SETTINGS_FILE);
  let current: DisplaySettings = DEFAULT_DISPLAY_SETTINGS;
  if (existsSync(file)) {
    try {
      current = DisplaySettingsSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
    } catch (error) {
      log.warn('display_settings_unreadable', { file, error: (error as Error).message });
    }
  }
  return {
    get: () => current,
    update(input) {
      const settings = parseInput(DisplaySettingsSchema, input, 'display');
      const temporary = `${file}.${process.pid}.tmp`;
      writeFileSync(temporary, `${JSON.stringify(settings)}\n`, { mode: 0o600 });
      renameSync(temporary, file);
      current = settings;
      log.info('display_settings_saved', {
        idleTimeoutSeconds: settings.idleTimeoutSeconds,
        language: settings.language,
        brandColour: settings.brandColour,
        logo: settings.logo !== null,
      });
      return current;
    },
  };
}
