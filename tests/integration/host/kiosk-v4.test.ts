import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DISPLAY_SETTINGS_FILE } from '../../../src/main/display-settings';
import { openKiosk, type Kiosk } from '../../../src/main/kiosk';
import { memoryLog } from '../../../src/main/logging';
import { DEFAULT_DISPLAY_SETTINGS } from '../../../src/shared/ipc';

// The kiosk's own v4 services, without HTTP: display settings, the POS token, the day's CSV.

const STORE = { country: 'US', currency: 'USD', timeZone: 'America/New_York' } as const;
const opened: { kiosk: Kiosk; dataDir: string }[] = [];

function start(dataDir = mkdtempSync(join(tmpdir(), 'kiosk-v4-')), clock?: () => Date) {
  const log = memoryLog();
  const kiosk = openKiosk({
    dataDir,
    config: { store: STORE },
    host: 'browser',
    appVersion: '0.0.0-test',
    log,
    pos: false,
    fetch: async () => new Response('', { status: 503 }),
    ...(clock ? { clock } : {}),
  });
  opened.push({ kiosk, dataDir });
  return { kiosk, dataDir, log };
}

afterEach(async () => {
  for (const { kiosk, dataDir } of opened.splice(0)) {
    await kiosk.dispose();
    rmSync(dataDir, { recursive: true, force: true });
  }
});

describe('display settings', () => {
  it('start as the defaults, are saved atomically (0600, no temp file left) and survive a restart', async () => {
    const first = start();
    expect(first.kiosk.status().display).toEqual(DEFAULT_DISPLAY_SETTINGS);
    const display = {
      idleTimeoutSeconds: 90,
      language: 'es' as const,
      brandColour: '#1a6b3c',
      logo: 'data:image/png;base64,iVBORw0KGgo=',
    };
    expect(first.kiosk.updateDisplay(display)).toEqual(display);
    const file = join(first.dataDir, DISPLAY_SETTINGS_FILE);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readdirSync(first.dataDir).filter((name) => name.endsWith('.tmp'))).toEqual([]);
    expect(() => first.kiosk.updateDisplay({ ...display, idleTimeoutSeconds: 5 })).toThrow(
      /idleTimeoutSeconds/,
    );
    expect(first.kiosk.status().display).toEqual(display);

    await first.kiosk.dispose();
    opened.pop();
    const second = start(first.dataDir);
    expect(second.kiosk.status().display).toEqual(display);
  });

  it('a file that cannot be read gives the defaults and is logged, not a kiosk that cannot start', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'kiosk-v4-'));
    writeFileSync(join(dataDir, DISPLAY_SETTINGS_FILE), '{"language":"xx"');
    const { kiosk, log } = start(dataDir);
    expect(kiosk.status().display).toEqual(DEFAULT_DISPLAY_SETTINGS);
    expect(log.lines.some((line) => line.event === 'display_settings_unreadable')).toBe(true);
  });
});

describe('the POS token', () => {
  it('is null while the POS link is off', async () => {
    const { kiosk } = start();
    expect(await kiosk.posToken()).toEqual({ token: null });
  });
});

describe("the day's report as CSV", () => {
  it('adds the Z-report once the day is closed, and saves over the earlier export', async () => {
    let now = Date.parse('2026-11-23T15:00:00.000Z');
    const { kiosk, dataDir } = start(undefined, () => new Date(now));
    kiosk.ledger.enroll('(212) 555-0147', { terms: true, termsVersion: '1', sms: false });
    kiosk.ledger.checkIn('(212) 555-0147', { receiptId: 'R-1', total: { amount: 2_000, currency: 'USD' } });
    const open = kiosk.exportDayCsv('2026-11-23');
    expect(open.csv).toContain('check-ins by hour,10:00-10:59,1\r\n');
    expect(open.csv).not.toContain('z-report,');

    now += 60_000;
    await kiosk.closeDay('2026-11-23');
    const closed = kiosk.exportDayCsv('2026-11-23');
    expect(closed.savedTo).toBe(join(dataDir, 'exports', 'z-report-2026-11-23.csv'));
    expect(closed.csv).toContain('z-report,synced,false\r\n');
    expect(closed.csv).toMatch(/z-report,checksum,[0-9a-f]{64}\r\n/);
    expect(readFileSync(closed.savedTo!, 'utf8')).toBe(closed.csv);
    expect(statSync(closed.savedTo!).mode & 0o777).toBe(0o600);
    expect(existsSync(`${closed.savedTo}.tmp`)).toBe(false);

    // After the close, the open day is the next one: its list starts empty.
    expect(kiosk.todaysCheckIns()).toEqual({ businessDay: '2026-11-24', checkIns: [] });
  });
});
