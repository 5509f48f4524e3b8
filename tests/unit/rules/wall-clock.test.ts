import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { wallClock } from '../../../src/shared/rules/calendar';

/** The reference: Intl asked afresh for every instant. */
function reference(ms: number, timeZone: string) {
  const parts: Record<string, string> = {};
  const format = new Intl.DateTimeFormat('en-US', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  });
  for (const part of format.formatToParts(new Date(ms))) parts[part.type] = part.value;
  return {
    date: `${parts.year}-${parts.month}-${parts.day}`,
    minuteOfDay: Number(parts.hour) * 60 + Number(parts.minute),
  };
}

// Zones with quarter- and half-hour offsets, half-hour daylight saving (Lord Howe) and the
// southern hemisphere, where the cached per-quarter-hour offset is easiest to get wrong.
const ZONES = [
  'UTC',
  'America/New_York',
  'America/St_Johns',
  'Europe/London',
  'Australia/Sydney',
  'Australia/Lord_Howe',
  'Asia/Kolkata',
  'Asia/Kathmandu',
  'Pacific/Chatham',
];

describe('wallClock', () => {
  it('agrees with Intl for any instant in any zone', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: Date.UTC(1990, 0, 1), max: Date.UTC(2060, 0, 1) }),
        fc.constantFrom(...ZONES),
        (ms, zone) => {
          expect(wallClock(new Date(ms), zone)).toMatchObject(reference(ms, zone));
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('agrees with Intl minute by minute across clock changes', () => {
    const changes: [string, number][] = [
      ['America/New_York', Date.UTC(2026, 2, 8, 6)], // spring forward 02:00 → 03:00
      ['America/New_York', Date.UTC(2026, 10, 1, 5)], // fall back 02:00 → 01:00
      ['Europe/London', Date.UTC(2026, 2, 29, 0)],
      ['Australia/Lord_Howe', Date.UTC(2026, 3, 4, 14)], // half-hour change
      ['Pacific/Chatham', Date.UTC(2026, 3, 4, 13)],
    ];
    for (const [zone, around] of changes) {
      for (let ms = around - 3 * 3_600_000; ms <= around + 3 * 3_600_000; ms += 60_000) {
        expect(wallClock(new Date(ms), zone), `${zone} ${new Date(ms).toISOString()}`).toMatchObject(
          reference(ms, zone),
        );
      }
    }
  });
});
