import { afterEach, describe, expect, it } from 'vitest';
import { CONSENT, tempLedger, type TestLedger } from '../../helpers/ledger';

// Check-ins by hour of the store's own clock, on ordinary days, on the two DST days of New York
// (a 23-hour and a 25-hour day) and in a half-hour zone. Every check-in lands in exactly one hour.

let t: TestLedger | undefined;
afterEach(() => t?.cleanup());

let next = 0;
/** A check-in by a new customer at an instant (new customers: no cooldown between them). */
function checkInAt(ledger: TestLedger, iso: string): string {
  ledger.clock.set(iso);
  const phone = `(415) 555-${String(1000 + next++).slice(-4)}`;
  ledger.ledger.enroll(phone, CONSENT);
  const result = ledger.ledger.checkIn(phone, {
    receiptId: `R-${next}`,
    total: { amount: 1_000, currency: 'USD' },
  });
  if (result.status !== 'checked_in') throw new Error(`not checked in: ${result.status}`);
  return result.eventId;
}

const sum = (hours: number[]) => hours.reduce((a, b) => a + b, 0);

describe('check-ins by hour of the store', () => {
  it('an ordinary day: each check-in in the hour the store clock showed', () => {
    t = tempLedger();
    checkInAt(t, '2026-11-23T05:00:00.000Z'); // 00:00 EST
    checkInAt(t, '2026-11-23T14:59:59.999Z'); // 09:59
    checkInAt(t, '2026-11-23T15:00:00.000Z'); // 10:00
    checkInAt(t, '2026-11-24T04:59:00.000Z'); // 23:59
    const hours = t.ledger.hourlyCheckIns('2026-11-23');
    expect(hours).toHaveLength(24);
    expect(hours[0]).toBe(1);
    expect(hours[9]).toBe(1);
    expect(hours[10]).toBe(1);
    expect(hours[23]).toBe(1);
    expect(sum(hours)).toBe(t.ledger.dayTotals('2026-11-23').checkIns);
    expect(t.ledger.hourlyCheckIns('2026-11-22')).toEqual(new Array(24).fill(0));
  });

  it('the spring-forward day (23 hours): 02:00 never happens, nothing is lost', () => {
    t = tempLedger();
    checkInAt(t, '2026-03-08T06:30:00.000Z'); // 01:30 EST
    checkInAt(t, '2026-03-08T06:59:00.000Z'); // 01:59 EST
    checkInAt(t, '2026-03-08T07:00:00.000Z'); // 03:00 EDT (the clock jumped)
    checkInAt(t, '2026-03-09T03:59:00.000Z'); // 23:59 EDT
    const hours = t.ledger.hourlyCheckIns('2026-03-08');
    expect(hours[1]).toBe(2);
    expect(hours[2]).toBe(0);
    expect(hours[3]).toBe(1);
    expect(hours[23]).toBe(1);
    expect(sum(hours)).toBe(4);
    expect(t.ledger.dayTotals('2026-03-08').checkIns).toBe(4);
  });

  it('the fall-back day (25 hours): 01:00 happens twice and holds both, nothing doubled', () => {
    t = tempLedger();
    checkInAt(t, '2026-11-01T04:30:00.000Z'); // 00:30 EDT
    checkInAt(t, '2026-11-01T05:30:00.000Z'); // 01:30 EDT
    checkInAt(t, '2026-11-01T06:30:00.000Z'); // 01:30 EST (again)
    checkInAt(t, '2026-11-01T07:30:00.000Z'); // 02:30 EST
    checkInAt(t, '2026-11-02T04:30:00.000Z'); // 23:30 EST
    const hours = t.ledger.hourlyCheckIns('2026-11-01');
    expect(hours[0]).toBe(1);
    expect(hours[1]).toBe(2);
    expect(hours[2]).toBe(1);
    expect(hours[23]).toBe(1);
    expect(sum(hours)).toBe(5);
    expect(t.ledger.dayTotals('2026-11-01').checkIns).toBe(5);
  });

  it('a half-hour zone: two check-ins in one UTC hour fall in two store hours', () => {
    t = tempLedger({ country: 'IN', currency: 'INR', timeZone: 'Asia/Kolkata' });
    const at = (iso: string) => {
      t!.clock.set(iso);
      const phone = `98765 ${String(43210 + next++)}`;
      t!.ledger.enroll(phone, CONSENT);
      t!.ledger.checkIn(phone, { receiptId: `K-${next}`, total: { amount: 10_000, currency: 'INR' } });
    };
    at('2026-11-23T04:15:00.000Z'); // 09:45 IST
    at('2026-11-23T04:45:00.000Z'); // 10:15 IST
    const hours = t.ledger.hourlyCheckIns('2026-11-23');
    expect(hours[9]).toBe(1);
    expect(hours[10]).toBe(1);
    expect(sum(hours)).toBe(2);
  });
});

describe("the day's check-ins", () => {
  it('newest first, and the open day moves past a closed one', () => {
    t = tempLedger();
    const first = checkInAt(t, '2026-11-23T15:00:00.000Z');
    const second = checkInAt(t, '2026-11-23T16:00:00.000Z');
    expect(t.ledger.openBusinessDay()).toBe('2026-11-23');
    const list = t.ledger.checkInsOf('2026-11-23');
    expect(list.map((c) => c.eventId)).toEqual([second, first]);
    expect(list[0]).toMatchObject({
      points: 10,
      receiptId: expect.stringMatching(/^R-/),
      phone: expect.stringMatching(/^\+1415555/),
    });

    t.ledger.closeDay('2026-11-23');
    expect(t.ledger.openBusinessDay()).toBe('2026-11-24');
    const late = checkInAt(t, '2026-11-23T17:00:00.000Z');
    expect(t.ledger.checkInsOf('2026-11-24').map((c) => c.eventId)).toEqual([late]);
  });
});
