import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import { memoryLog } from '../../../src/main/logging';
import {
  DEFAULT_NIGHT_WINDOW,
  isInNightWindow,
  mayInstallNow,
  parseNightWindow,
  type InstallContext,
} from '../../../src/main/shell/install-window';
import { createUpdateController, updateFeedUrl, type UpdaterLike } from '../../../src/main/updater';

const NY = 'America/New_York';
// 2026-11-23 is a Monday; New York is UTC-5 then.
const at = (localTime: string) => new Date(`2026-11-23T${localTime}:00-05:00`);
const idle = { busy: false, reason: null };

function context(overrides: Partial<InstallContext> = {}): InstallContext {
  return {
    now: at('14:00'),
    timeZone: NY,
    nightWindow: DEFAULT_NIGHT_WINDOW,
    isDayClosed: () => false,
    busy: idle,
    ...overrides,
  };
}

describe('the install window', () => {
  it('refuses while the day is open, outside the night window', () => {
    expect(mayInstallNow(context())).toMatchObject({ install: false });
  });

  it('allows once the manager has closed today, in the store time zone', () => {
    const closed = new Set(['2026-11-23']);
    expect(mayInstallNow(context({ isDayClosed: (day) => closed.has(day) }))).toMatchObject({
      install: true,
    });
    // 23:30 in New York is already the 24th in UTC: the store's day counts, not UTC's.
    expect(mayInstallNow(context({ now: at('23:30'), isDayClosed: (day) => closed.has(day) }))).toMatchObject(
      {
        install: true,
      },
    );
    // Yesterday's closing does not open today.
    expect(mayInstallNow(context({ isDayClosed: (day) => day === '2026-11-22' }))).toMatchObject({
      install: false,
    });
  });

  it('allows inside the night window (02:00-05:00 store time by default), end exclusive', () => {
    expect(mayInstallNow(context({ now: at('02:00') }))).toMatchObject({ install: true });
    expect(mayInstallNow(context({ now: at('04:59') }))).toMatchObject({ install: true });
    expect(mayInstallNow(context({ now: at('05:00') }))).toMatchObject({ install: false });
    expect(mayInstallNow(context({ now: at('01:59') }))).toMatchObject({ install: false });
    // 03:00 in UTC is 22:00 in New York: outside.
    expect(mayInstallNow(context({ now: new Date('2026-11-24T03:00:00Z') }))).toMatchObject({
      install: false,
    });
  });

  it('never installs during a sale or a check-in, closed day or night alike', () => {
    const busy = { busy: true, reason: 'checkin:create in progress' };
    expect(mayInstallNow(context({ busy, isDayClosed: () => true }))).toEqual({
      install: false,
      reason: 'busy: checkin:create in progress',
    });
    expect(mayInstallNow(context({ busy, now: at('03:00') }))).toMatchObject({ install: false });
  });

  it('handles a window across midnight and refuses malformed ones', () => {
    const window = parseNightWindow('23:30-01:15');
    expect(window).toEqual({ startMinute: 23 * 60 + 30, endMinute: 75 });
    expect(isInNightWindow(at('23:45'), NY, window!)).toBe(true);
    expect(isInNightWindow(at('00:30'), NY, window!)).toBe(true);
    expect(isInNightWindow(at('01:15'), NY, window!)).toBe(false);
    expect(isInNightWindow(at('12:00'), NY, window!)).toBe(false);
    for (const text of ['', '2-5', '24:00-05:00', '02:60-03:00', '02:00-02:00', '02:00 - 05:00x']) {
      expect(parseNightWindow(text)).toBeNull();
    }
  });
});

class FakeUpdater extends EventEmitter implements UpdaterLike {
  autoDownload = false;
  autoInstallOnAppQuit = true;
  allowDowngrade = true;
  allowPrerelease = true;
  feed: unknown = null;
  setFeedURL = vi.fn((options: unknown) => void (this.feed = options));
  checkForUpdates = vi.fn(async () => null);
  quitAndInstall = vi.fn();
}

function controller(installContext: () => InstallContext) {
  const updater = new FakeUpdater();
  const timers = { setInterval: vi.fn(() => 1), clearInterval: vi.fn() };
  const beforeInstall = vi.fn();
  const log = memoryLog();
  const control = createUpdateController({
    updater,
    serverUrl: 'https://loyalty.example.com/',
    log,
    installContext,
    beforeInstall,
    timers,
  });
  return { updater, control, timers, beforeInstall, log };
}

describe('the update controller', () => {
  it('uses the server /updates/ folder as a generic feed, downloads by itself, never installs on quit', () => {
    const { updater, control, timers } = controller(() => context());
    expect(updateFeedUrl('https://loyalty.example.com///')).toBe('https://loyalty.example.com/updates/');
    expect(updater.feed).toEqual({
      provider: 'generic',
      url: 'https://loyalty.example.com/updates/',
      channel: 'latest',
    });
    expect(updater).toMatchObject({ autoDownload: true, autoInstallOnAppQuit: false, allowDowngrade: false });
    control.start();
    expect(updater.checkForUpdates).toHaveBeenCalledTimes(1);
    expect(timers.setInterval).toHaveBeenCalledWith(control.check, 24 * 60 * 60_000);
    control.stop();
    expect(timers.clearInterval).toHaveBeenCalledTimes(2);
  });

  it('changes nothing when a download fails or stops half way', () => {
    const { updater, control } = controller(() => context({ isDayClosed: () => true }));
    updater.emit('update-available', { version: '1.2.0' });
    updater.emit('error', new Error('sha512 checksum mismatch'));
    expect(control.evaluate()).toBeNull();
    expect(control.state()).toMatchObject({ phase: 'idle', lastError: 'sha512 checksum mismatch' });
    updater.emit('update-available', { version: '1.2.0' }); // a download that never finishes
    expect(control.evaluate()).toBeNull();
    expect(updater.quitAndInstall).not.toHaveBeenCalled();
  });

  it('waits while the kiosk is in use or the day is open, then installs once', () => {
    let ctx = context({
      busy: { busy: true, reason: 'checkin:create in progress' },
      isDayClosed: () => true,
    });
    const { updater, control, beforeInstall } = controller(() => ctx);
    updater.emit('update-available', { version: '1.2.0' });
    updater.emit('update-downloaded', { version: '1.2.0' });
    expect(updater.quitAndInstall).not.toHaveBeenCalled();
    expect(control.state()).toMatchObject({ phase: 'ready', waitingFor: 'busy: checkin:create in progress' });

    ctx = context();
    expect(control.evaluate()).toMatchObject({ install: false });
    expect(updater.quitAndInstall).not.toHaveBeenCalled();

    ctx = context({ now: at('03:10') });
    expect(control.evaluate()).toMatchObject({ install: true });
    expect(beforeInstall).toHaveBeenCalledTimes(1);
    expect(updater.quitAndInstall).toHaveBeenCalledExactlyOnceWith(true, true);
    expect(control.evaluate()).toBeNull();
    expect(updater.quitAndInstall).toHaveBeenCalledTimes(1);
  });

  it('drops a ready update when a newer one starts downloading, until that one is complete', () => {
    const { updater, control } = controller(() =>
      context({ isDayClosed: () => true, busy: { busy: true, reason: 'x' } }),
    );
    updater.emit('update-downloaded', { version: '1.2.0' });
    updater.emit('update-available', { version: '1.3.0' });
    expect(control.state()).toEqual({ phase: 'downloading', version: '1.3.0' });
    updater.emit('error', new Error('connection reset'));
    expect(control.evaluate()).toBeNull();
    expect(updater.quitAndInstall).not.toHaveBeenCalled();
  });

  it('logs a failed check without throwing', async () => {
    const { updater, control, log } = controller(() => context());
    updater.checkForUpdates.mockRejectedValueOnce(new Error('ENOTFOUND'));
    control.check();
    await new Promise((resolve) => setImmediate(resolve));
    expect(log.lines.at(-1)).toMatchObject({ event: 'update_check_failed', fields: { error: 'ENOTFOUND' } });
  });
});
