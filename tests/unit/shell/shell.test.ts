import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createFileLog, redact } from '../../../src/main/logging';
import { createActivityTracker } from '../../../src/main/shell/activity';
import { ConfigError, DEFAULT_HTTP_PORT, parseServerUrl, readConfig } from '../../../src/main/shell/config';
import { createReloadBackoff } from '../../../src/main/shell/recovery';

describe('the kiosk environment', () => {
  it('has safe defaults', () => {
    expect(readConfig({})).toEqual({
      windowed: false,
      dataDir: undefined,
      httpPort: DEFAULT_HTTP_PORT,
      store: undefined,
      serverUrl: undefined,
      enrollmentCode: undefined,
      deviceName: undefined,
      nightWindow: { startMinute: 120, endMinute: 300 },
    });
    expect(DEFAULT_HTTP_PORT).toBe(5190);
  });

  it('reads every variable', () => {
    const config = readConfig({
      KIOSK_WINDOWED: '1',
      KIOSK_DATA_DIR: '/var/lib/kiosk',
      KIOSK_HTTP_PORT: '6000',
      KIOSK_STORE_COUNTRY: 'GB',
      KIOSK_STORE_CURRENCY: 'GBP',
      KIOSK_STORE_TIMEZONE: 'Europe/London',
      KIOSK_SERVER_URL: 'https://loyalty.example.com/',
      KIOSK_ENROLLMENT_CODE: 'ABCD-EFGH-JKMN',
      KIOSK_DEVICE_NAME: 'Till 2',
      KIOSK_UPDATE_WINDOW: '01:00-04:30',
    });
    expect(config).toEqual({
      windowed: true,
      dataDir: '/var/lib/kiosk',
      httpPort: 6000,
      store: { country: 'GB', currency: 'GBP', timeZone: 'Europe/London' },
      serverUrl: 'https://loyalty.example.com',
      enrollmentCode: 'ABCD-EFGH-JKMN',
      deviceName: 'Till 2',
      nightWindow: { startMinute: 60, endMinute: 270 },
    });
  });

  it.each([
    [{ KIOSK_HTTP_PORT: 'eighty' }, 'KIOSK_HTTP_PORT'],
    [{ KIOSK_HTTP_PORT: '70000' }, 'KIOSK_HTTP_PORT'],
    [{ KIOSK_STORE_COUNTRY: 'US' }, 'missing KIOSK_STORE_CURRENCY, KIOSK_STORE_TIMEZONE'],
    [
      { KIOSK_STORE_COUNTRY: 'XX', KIOSK_STORE_CURRENCY: 'USD', KIOSK_STORE_TIMEZONE: 'UTC' },
      'KIOSK_STORE_COUNTRY',
    ],
    [
      { KIOSK_STORE_COUNTRY: 'US', KIOSK_STORE_CURRENCY: 'usd', KIOSK_STORE_TIMEZONE: 'UTC' },
      'KIOSK_STORE_CURRENCY',
    ],
    [
      { KIOSK_STORE_COUNTRY: 'US', KIOSK_STORE_CURRENCY: 'USD', KIOSK_STORE_TIMEZONE: 'Mars/Base' },
      'KIOSK_STORE_TIMEZONE',
    ],
    [{ KIOSK_SERVER_URL: 'http://loyalty.example.com' }, 'KIOSK_SERVER_URL'],
    [{ KIOSK_ENROLLMENT_CODE: 'ABCD-EFGH' }, 'KIOSK_SERVER_URL is not'],
    [{ KIOSK_UPDATE_WINDOW: 'nights' }, 'KIOSK_UPDATE_WINDOW'],
  ])('stops on %j, naming %s', (env, name) => {
    expect(() => readConfig(env)).toThrow(ConfigError);
    expect(() => readConfig(env)).toThrow(name);
  });

  it('accepts https servers, and http only on this machine', () => {
    expect(parseServerUrl('https://loyalty.example.com/base/')).toBe('https://loyalty.example.com/base');
    expect(parseServerUrl('http://127.0.0.1:5191')).toBe('http://127.0.0.1:5191');
    expect(parseServerUrl('http://localhost:8080/')).toBe('http://localhost:8080');
    for (const bad of [
      'http://10.0.0.5',
      'ftp://x',
      'https://u:p@x',
      'https://x/?a=1',
      'not a url',
      'file:///x',
    ]) {
      expect(parseServerUrl(bad)).toBeNull();
    }
  });
});

describe('the rotating log', () => {
  it('writes JSON lines, keeps N rotated files and drops the oldest', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kiosk-log-'));
    try {
      const log = createFileLog({
        dir,
        maxBytes: 300,
        keep: 2,
        clock: () => new Date('2026-11-23T10:00:00Z'),
      });
      for (let i = 0; i < 30; i += 1) log.info('tick', { i });
      expect(readdirSync(dir).sort()).toEqual(['kiosk.1.log', 'kiosk.2.log', 'kiosk.log']);
      for (const file of readdirSync(dir)) expect(statSync(join(dir, file)).size).toBeLessThanOrEqual(300);
      const last = readFileSync(log.file, 'utf8').trim().split('\n').at(-1) ?? '';
      expect(JSON.parse(last)).toEqual({
        at: '2026-11-23T10:00:00.000Z',
        level: 'info',
        event: 'tick',
        i: 29,
      });
      expect(existsSync(join(dir, 'kiosk.3.log'))).toBe(false);
      if (process.platform !== 'win32') expect(statSync(log.file).mode & 0o777).toBe(0o600);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('never writes tokens, codes or passwords', () => {
    expect(
      redact({
        token: 'abc',
        deviceToken: 'x',
        enrollmentCode: 'ABCD',
        authorization: 'Bearer x',
        code: 'not_enrolled',
      }),
    ).toEqual({
      token: '[redacted]',
      deviceToken: '[redacted]',
      enrollmentCode: '[redacted]',
      authorization: '[redacted]',
      code: 'not_enrolled',
    });
  });
});

describe('renderer crash recovery', () => {
  it('doubles the delay for crashes in a row, up to the cap, and starts over after a stable spell', () => {
    let now = 0;
    const backoff = createReloadBackoff({ baseMs: 1000, maxMs: 8000, stableMs: 60_000, clock: () => now });
    const delays = [1, 2, 3, 4, 5].map(() => {
      now += 100;
      return backoff.nextDelay();
    });
    expect(delays).toEqual([1000, 2000, 4000, 8000, 8000]);
    now += 60_000;
    expect(backoff.nextDelay()).toBe(1000);
    expect(backoff.crashes).toBe(1);
  });
});

describe('activity', () => {
  it('is busy while something is held and for the quiet period after the last request', () => {
    let now = 0;
    const activity = createActivityTracker({ clock: () => now, quietMs: 1000 });
    expect(activity.busy()).toEqual({ busy: false, reason: null });
    const release = activity.hold('sale');
    now = 10_000;
    expect(activity.busy()).toEqual({ busy: true, reason: 'sale in progress' });
    release();
    release();
    expect(activity.busy().busy).toBe(true);
    now += 1000;
    expect(activity.busy().busy).toBe(false);
    activity.touch();
    expect(activity.busy().busy).toBe(true);
  });
});
