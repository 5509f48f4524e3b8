import { describe, expect, it } from 'vitest';
import { checkInDecision } from '../../../src/shared/rules';

const NY = 'America/New_York';
const limits = { cooldownMinutes: 30, maxPerDay: 3 };
const at = new Date('2026-03-03T15:00:00Z'); // 10:00 in New York

describe('check-in decision', () => {
  it('allows a first check-in, and one after the cooldown', () => {
    expect(checkInDecision(limits, { lastCheckInAt: null, checkInsToday: 0 }, at, NY)).toEqual({
      allowed: true,
    });
    const longAgo = new Date(at.getTime() - 30 * 60_000);
    expect(checkInDecision(limits, { lastCheckInAt: longAgo, checkInsToday: 1 }, at, NY)).toEqual({
      allowed: true,
    });
  });

  it('refuses within the cooldown, kindly, with the store-time it ends', () => {
    const last = new Date(at.getTime() - 12 * 60_000);
    expect(checkInDecision(limits, { lastCheckInAt: last, checkInsToday: 1 }, at, NY)).toEqual({
      allowed: false,
      reason: 'cooldown',
      message: 'Thanks, you checked in 12 minutes ago. You can check in again from 10:18.',
      retryAt: new Date('2026-03-03T15:18:00Z'),
    });
  });

  it('refuses past the daily limit until the store’s next midnight', () => {
    expect(checkInDecision(limits, { lastCheckInAt: null, checkInsToday: 3 }, at, NY)).toEqual({
      allowed: false,
      reason: 'daily_limit',
      message:
        'You’ve already checked in 3 times today, the most this store allows. See you tomorrow!'.replace(
          '’',
          "'",
        ),
      retryAt: new Date('2026-03-04T05:00:00Z'),
    });
  });

  it('finds the next midnight across a daylight-saving change', () => {
    // 7 March 2026 is the last day of EST; 8 March starts at 05:00 UTC, 9 March at 04:00 UTC.
    const saturday = new Date('2026-03-07T20:00:00Z');
    const sunday = new Date('2026-03-08T20:00:00Z');
    const full = { lastCheckInAt: null, checkInsToday: 3 };
    expect(checkInDecision(limits, full, saturday, NY)).toMatchObject({
      retryAt: new Date('2026-03-08T05:00:00Z'),
    });
    expect(checkInDecision(limits, full, sunday, NY)).toMatchObject({
      retryAt: new Date('2026-03-09T04:00:00Z'),
    });
  });

  it('says "tomorrow" when the cooldown ends after midnight', () => {
    const late = new Date('2026-03-04T04:50:00Z'); // 23:50
    const decision = checkInDecision(
      limits,
      { lastCheckInAt: new Date(late.getTime() - 60_000), checkInsToday: 1 },
      late,
      NY,
    );
    expect(decision).toMatchObject({ message: expect.stringContaining('again tomorrow from 00:19') });
  });

  it('never blocks because a clock went backwards', () => {
    const future = new Date(at.getTime() + 3_600_000);
    expect(checkInDecision(limits, { lastCheckInAt: future, checkInsToday: 1 }, at, NY)).toEqual({
      allowed: true,
    });
  });

  it('has no limits by default', () => {
    const open = { cooldownMinutes: 0, maxPerDay: null };
    expect(checkInDecision(open, { lastCheckInAt: at, checkInsToday: 1000 }, at, NY)).toEqual({
      allowed: true,
    });
  });
});
