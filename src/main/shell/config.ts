import type { z } from 'zod';
import { CurrencySchema } from '../../shared/money';
import { CountryCodeSchema } from '../../shared/phone';
import type { StoreSettings } from '../../shared/store';
import { DeviceNameSchema, EnrollmentCodeSchema } from '../../shared/sync';
import { TimeZoneSchema } from '../../shared/time';
import { DEFAULT_NIGHT_WINDOW, parseNightWindow, type NightWindow } from './install-window';

/**
 * The kiosk's environment, read once at start by both hosts. A mistake (half the store settings,
 * a port that is not a number) stops the start with a message naming the variable, rather than a
 * kiosk that runs with the wrong currency.
 *
 *   KIOSK_WINDOWED=1            an ordinary window instead of kiosk mode (Electron)
 *   KIOSK_DATA_DIR              where the ledger and the log live
 *   KIOSK_HTTP_PORT             the browser host's port on 127.0.0.1 (default 5190)
 *   KIOSK_STORE_COUNTRY, KIOSK_STORE_CURRENCY, KIOSK_STORE_TIMEZONE
 *                               store settings of an unattended install (all three or none)
 *   KIOSK_SERVER_URL            the chain's server (pairing, sync, updates)
 *   KIOSK_ENROLLMENT_CODE       single-use code to pair with at first start
 *   KIOSK_DEVICE_NAME           how the server lists this till (default: the host name)
 *   KIOSK_UPDATE_WINDOW         night window for updates, HH:MM-HH:MM store time (default 02:00-05:00)
 */

export const DEFAULT_HTTP_PORT = 5190;

export interface KioskConfig {
  windowed: boolean;
  dataDir: string | undefined;
  httpPort: number;
  store: StoreSettings | undefined;
  serverUrl: string | undefined;
  enrollmentCode: string | undefined;
  deviceName: string | undefined;
  nightWindow: NightWindow;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

const blank = (value: string | undefined) =>
  value === undefined || value.trim() === '' ? undefined : value.trim();

/** A server address: https, or http to this machine only (development, `npm start`). */
export function parseServerUrl(text: string): string | null {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return null;
  }
  const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) return null;
  if (url.username || url.password || url.search || url.hash) return null;
  return url.href.replace(/\/+$/, '');
}

export function readConfig(env: Record<string, string | undefined>): KioskConfig {
  const problems: string[] = [];
  const check = <T>(name: string, schema: z.ZodType<T>, value: string | undefined): T | undefined => {
    if (value === undefined) return undefined;
    const parsed = schema.safeParse(value);
    if (parsed.success) return parsed.data;
    problems.push(`${name}: ${parsed.error.issues[0]?.message ?? 'not valid'}`);
    return undefined;
  };

  const portText = blank(env['KIOSK_HTTP_PORT']);
  let httpPort = DEFAULT_HTTP_PORT;
  if (portText !== undefined) {
    const port = Number(portText);
    if (Number.isInteger(port) && port >= 0 && port <= 65_535) httpPort = port;
    else problems.push('KIOSK_HTTP_PORT: must be a whole number from 0 to 65535.');
  }

  const country = check('KIOSK_STORE_COUNTRY', CountryCodeSchema, blank(env['KIOSK_STORE_COUNTRY']));
  const currency = check('KIOSK_STORE_CURRENCY', CurrencySchema, blank(env['KIOSK_STORE_CURRENCY']));
  const timeZone = check('KIOSK_STORE_TIMEZONE', TimeZoneSchema, blank(env['KIOSK_STORE_TIMEZONE']));
  const storeNames = ['KIOSK_STORE_COUNTRY', 'KIOSK_STORE_CURRENCY', 'KIOSK_STORE_TIMEZONE'];
  const given = storeNames.filter((name) => blank(env[name]) !== undefined);
  if (given.length > 0 && given.length < 3) {
    problems.push(
      `Set all three store variables or none; missing ${storeNames.filter((n) => !given.includes(n)).join(', ')}.`,
    );
  }

  const serverText = blank(env['KIOSK_SERVER_URL']);
  const serverUrl = serverText === undefined ? undefined : (parseServerUrl(serverText) ?? undefined);
  if (serverText !== undefined && serverUrl === undefined) {
    problems.push('KIOSK_SERVER_URL: must be an https:// address (http:// only for this machine).');
  }

  const windowText = blank(env['KIOSK_UPDATE_WINDOW']);
  const nightWindow = windowText === undefined ? DEFAULT_NIGHT_WINDOW : parseNightWindow(windowText);
  if (nightWindow === null) problems.push('KIOSK_UPDATE_WINDOW: must look like 02:00-05:00 (store time).');

  const config: KioskConfig = {
    windowed: env['KIOSK_WINDOWED'] === '1',
    dataDir: blank(env['KIOSK_DATA_DIR']),
    httpPort,
    store: country && currency && timeZone ? { country, currency, timeZone } : undefined,
    serverUrl,
    enrollmentCode: check('KIOSK_ENROLLMENT_CODE', EnrollmentCodeSchema, blank(env['KIOSK_ENROLLMENT_CODE'])),
    deviceName: check('KIOSK_DEVICE_NAME', DeviceNameSchema, blank(env['KIOSK_DEVICE_NAME'])),
    nightWindow: nightWindow ?? DEFAULT_NIGHT_WINDOW,
  };
  if (config.enrollmentCode && !config.serverUrl) {
    problems.push('KIOSK_ENROLLMENT_CODE is set but KIOSK_SERVER_URL is not: the kiosk needs both to pair.');
  }
  if (problems.length > 0)
    throw new ConfigError(`The kiosk's settings are not valid:\n  ${problems.join('\n  ')}`);
  return config;
}
