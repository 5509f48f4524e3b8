import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findLedgerProblems } from '../../../src/main/ledger/integrity';
import { explanationOf, type ExplanationLine, type LedgerEvent } from '../../../src/shared/events';
import {
  DEFAULT_PROGRAM,
  ProgramSchema,
  type Program,
  type ProgramDocument,
} from '../../../src/shared/program';
import { DAY_NAMES } from '../../../src/shared/rules';
import { CONSENT, tempLedger, type TestLedger } from '../../helpers/ledger';

// The explanation of a check-in is kept on the points.earned event only for programs with tiers
// (the tier line states the customer's standing then); for the others it is recomputed on read
// (src/main/ledger/explanation.ts). Either way the cashier must read what checkIn computed.

const PHONE = '415 555 0101';
const usd = (amount: number) => ({ amount, currency: 'USD' });

let t: TestLedger;
let version = 1;
let receipt = 0;
beforeEach(() => {
  t = tempLedger();
  t.ledger.enroll(PHONE, CONSENT);
});
afterEach(() => {
  expect(findLedgerProblems(t.db)).toEqual([]);
  t.cleanup();
});

/** A new program version, as the server would send it. */
function use(changes: Partial<ProgramDocument>): Program {
  return t.ledger.setProgram(ProgramSchema.parse({ ...DEFAULT_PROGRAM, ...changes, version: ++version }));
}

function storedBody(eventId: string): LedgerEvent {
  const body = t.db.prepare('SELECT body FROM ledger_events WHERE id = ?').pluck().get(eventId) as string;
  return JSON.parse(body) as LedgerEvent;
}

/** What the cashier's screens read: the day's check-ins and the customer's history. */
function read(eventId: string): {
  today: ExplanationLine[] | undefined;
  history: ExplanationLine[] | undefined;
} {
  const body = storedBody(eventId);
  const listed = t.ledger.checkInsOf(body.businessDay).find((checkIn) => checkIn.eventId === eventId);
  const [event] = t.ledger.history(PHONE, { beforeSeq: body.seq + 1, limit: 1 });
  if (!listed || event?.id !== eventId || event.type !== 'points.earned') {
    throw new Error(`event ${eventId} not read back`);
  }
  return { today: listed.explanation, history: event.payload.explanation };
}

function checkIn(sale: Record<string, unknown> | null) {
  const result = t.ledger.checkIn(PHONE, sale === null ? null : { receiptId: `R-${++receipt}`, ...sale });
  if (result.status !== 'checked_in') throw new Error(`not checked in: ${result.status}`);
  return result;
}

const TUESDAY_PROMOTION = {
  combine: 'best' as const,
  offers: [
    {
      id: 'tuesday',
      name: 'Double points Tuesday',
      label: '2× Tuesday',
      days: ['tuesday' as const],
      effect: { kind: 'multiply' as const, percent: 200 },
      minimumSpend: 0,
    },
  ],
};
const GOLD = {
  windowDays: 365,
  downgrade: 'rolling' as const,
  levels: [{ id: 'gold', name: 'Gold', threshold: 5, earnPercent: 150 }],
};

describe('which events keep the explanation', () => {
  it('a program without tiers: not in the body, and read back as checkIn would have kept it', () => {
    use({ promotions: TUESDAY_PROMOTION });
    t.clock.set('2026-11-24T15:00:00Z'); // Tuesday 10:00 in New York
    const result = checkIn({ total: usd(1000), tax: usd(80) });
    expect(result.pointsEarned).toBe(18);
    expect(storedBody(result.eventId).payload).not.toHaveProperty('explanation');
    const kept = explanationOf(result.lines);
    expect(kept.map((line) => line.label)).toEqual(['$9.20 spent', 'Tax', '2× Tuesday']);
    expect(read(result.eventId)).toEqual({ today: kept, history: kept });
  });

  it('a program with tiers: kept in the body (the tier line names the points of that moment)', () => {
    use({ tiers: GOLD });
    checkIn({ total: usd(1000) }); // 10 points: Gold from the next sale on
    const result = checkIn({ total: usd(1000) });
    expect(result.lines.map((line) => line.label)).toEqual(['$10.00 spent', 'Gold 1.5×']);
    const kept = explanationOf(result.lines);
    const body = storedBody(result.eventId);
    if (body.type !== 'points.earned') throw new Error('unreachable');
    expect(body.payload.explanation).toEqual(kept);
    expect(read(result.eventId)).toEqual({ today: kept, history: kept });
  });

  it('a check-in the engine explains with no line keeps nothing and reads with nothing', () => {
    use({ earn: { pointsPerCurrencyUnit: 0, pointsPerVisit: 0, minimumSpend: 0 } });
    const result = checkIn({ total: usd(1000) });
    expect(result.lines).toEqual([]);
    expect(read(result.eventId)).toEqual({ today: undefined, history: undefined });
  });

  it('a visit with no sale is explained too', () => {
    use({ earn: { pointsPerCurrencyUnit: 1, pointsPerVisit: 5, minimumSpend: 0 } });
    const result = checkIn(null);
    expect(result.pointsEarned).toBe(5);
    expect(storedBody(result.eventId).payload).not.toHaveProperty('explanation');
    expect(read(result.eventId).today).toEqual(explanationOf(result.lines));
  });
});

describe('reading explanations', () => {
  it('an event that kept its explanation is read as stored, even where it would now be recomputed', () => {
    const result = checkIn({ total: usd(12_500) });
    // As the till wrote it before explanations were recomputed, in its own (older) words.
    const stored: ExplanationLine[] = [
      { kind: 'spend', label: 'Spent $125.00', detail: 'An older wording, no message', points: 125 },
    ];
    const body = storedBody(result.eventId) as { payload: Record<string, unknown> };
    body.payload['explanation'] = stored;
    t.db.prepare('UPDATE ledger_events SET body = ? WHERE id = ?').run(JSON.stringify(body), result.eventId);
    expect(read(result.eventId)).toEqual({ today: stored, history: stored });
  });

  it('after an upgrade: events written before it read as they did, those after it are explained', () => {
    const kept = checkIn({ total: usd(1000) });
    const bare = checkIn({ total: usd(2000) });
    // As the two were on a version-6 till: one kept its explanation, one came before explanations.
    const body = storedBody(kept.eventId) as { payload: Record<string, unknown> };
    body.payload['explanation'] = explanationOf(kept.lines);
    t.db.prepare('UPDATE ledger_events SET body = ? WHERE id = ?').run(JSON.stringify(body), kept.eventId);
    t.db.exec('DROP TABLE store_time_zones');
    t.db.pragma('user_version = 6');
    t = t.reopen();
    const after = checkIn({ total: usd(3000) });
    expect(read(kept.eventId).today).toEqual(explanationOf(kept.lines));
    expect(read(bare.eventId)).toEqual({ today: undefined, history: undefined });
    expect(read(after.eventId).today).toEqual(explanationOf(after.lines));
    expect(t.db.prepare('SELECT from_seq, time_zone FROM store_time_zones').all()).toEqual([
      { from_seq: 4, time_zone: 'America/New_York' },
    ]);
  });

  it('uses the time zone the store had when the points were earned, not the one it has now', () => {
    use({ promotions: TUESDAY_PROMOTION });
    t.clock.set('2026-11-25T04:30:00Z'); // Tuesday 23:30 in New York, Wednesday in UTC
    const result = checkIn({ total: usd(1000) });
    expect(result.lines.map((line) => line.label)).toContain('2× Tuesday');
    t.ledger.setStore({ ...t.ledger.store, timeZone: 'UTC' });
    t.ledger.setStore({ ...t.ledger.store, timeZone: 'Asia/Tokyo' });
    const later = checkIn({ total: usd(1000) }); // Wednesday in Tokyo: no promotion
    expect(later.pointsEarned).toBe(10);
    expect(read(result.eventId).today).toEqual(explanationOf(result.lines));
    expect(read(later.eventId).today).toEqual(explanationOf(later.lines));
  });

  it('never throws: a missing or unreadable program version, an unknown zone or points that do not add up read with no explanation', () => {
    // A promotion by day, so the explanation depends on the zone.
    const { version: current } = use({ promotions: TUESDAY_PROMOTION });
    const spoilt = [
      () =>
        t.db.prepare('UPDATE programs SET body = ? WHERE version = ?').run('{"not":"a program"}', current),
      () => t.db.prepare('UPDATE programs SET body = ? WHERE version = ?').run('not json', current),
      () => t.db.prepare('UPDATE programs SET version = 999 WHERE version = ?').run(current),
      () => t.db.prepare("UPDATE store_time_zones SET time_zone = 'Nowhere/Atlantis'").run(),
      () =>
        t.db
          .prepare(
            "UPDATE ledger_events SET body = json_set(body, '$.payload.points', 7) WHERE type = 'points.earned'",
          )
          .run(),
    ];
    for (const [index, spoil] of spoilt.entries()) {
      const result = checkIn({ total: usd(1000) });
      expect(read(result.eventId).today).toEqual(explanationOf(result.lines));
      t.db.exec('SAVEPOINT spoilt');
      spoil();
      expect({ index, ...read(result.eventId) }).toEqual({ index, today: undefined, history: undefined });
      t.db.exec('ROLLBACK TO spoilt; RELEASE spoilt');
    }
  });
});

// ——— The property: over generated programs without tiers, sales, instants and time zones ———

const TIME_ZONES = ['America/New_York', 'Europe/London', 'Asia/Kolkata', 'Pacific/Chatham', 'UTC'];

const programArb = fc
  .record({
    rate: fc.integer({ min: 0, max: 20 }),
    visit: fc.integer({ min: 0, max: 20 }),
    minimumSpend: fc.integer({ min: 0, max: 3000 }),
    shoes: fc.integer({ min: 1, max: 400 }),
    excludeGift: fc.boolean(),
    includeOnly: fc.boolean(),
    combine: fc.constantFrom('best' as const, 'stack' as const),
    offers: fc.array(
      fc.record({
        effect: fc.oneof(
          fc.record({ kind: fc.constant('multiply' as const), percent: fc.integer({ min: 101, max: 400 }) }),
          fc.record({ kind: fc.constant('bonus' as const), points: fc.integer({ min: 1, max: 50 }) }),
        ),
        days: fc.option(fc.uniqueArray(fc.constantFrom(...DAY_NAMES), { minLength: 1 }), { nil: undefined }),
        hours: fc.option(
          fc.record({ from: fc.integer({ min: 0, max: 22 }), length: fc.integer({ min: 1, max: 12 }) }),
          { nil: undefined },
        ),
        startDate: fc.option(fc.constantFrom('2026-01-01', '2026-06-15', '2026-12-01'), { nil: undefined }),
        label: fc.option(fc.constantFrom('2× now', 'Bonus!'), { nil: undefined }),
        minimumSpend: fc.integer({ min: 0, max: 2000 }),
      }),
      { maxLength: 3 },
    ),
  })
  .map((p): Partial<ProgramDocument> => ({
    earn: { pointsPerCurrencyUnit: p.rate, pointsPerVisit: p.visit, minimumSpend: p.minimumSpend },
    itemRules: [
      { action: 'multiply', name: 'Shoes', categories: ['shoes'], percent: p.shoes },
      ...(p.excludeGift ? [{ action: 'exclude' as const, name: 'Gift cards', skus: ['GIFT'] }] : []),
      ...(p.includeOnly
        ? [{ action: 'include' as const, name: 'Goods', categories: ['shoes', 'socks'] }]
        : []),
    ],
    promotions: {
      combine: p.combine,
      offers: p.offers.map((offer, index) => ({
        id: `p${index}`,
        name: `Promotion ${index}`,
        ...(offer.label ? { label: offer.label } : {}),
        effect: offer.effect,
        ...(offer.days ? { days: offer.days } : {}),
        ...(offer.hours
          ? {
              hours: {
                from: `${String(offer.hours.from).padStart(2, '0')}:00`,
                to: `${String(Math.min(24, offer.hours.from + offer.hours.length)).padStart(2, '0')}:00`,
              },
            }
          : {}),
        ...(offer.startDate ? { startDate: offer.startDate } : {}),
        minimumSpend: offer.minimumSpend,
      })),
    },
  }));

const saleArb = fc.option(
  fc
    .record({
      lines: fc.option(
        fc.array(
          fc.record({
            sku: fc.constantFrom('SHOE', 'SOCK', 'GIFT', 'MUG'),
            category: fc.constantFrom(null, 'shoes', 'socks'),
            quantity: fc.integer({ min: 1, max: 3 }),
            amount: fc.integer({ min: 0, max: 20_000 }),
            rewardId: fc.constantFrom(null, null, 'reward'),
          }),
          { minLength: 1, maxLength: 5 },
        ),
        { nil: undefined },
      ),
      tax: fc.option(fc.integer({ min: 0, max: 2000 }), { nil: undefined }),
      tip: fc.option(fc.integer({ min: 0, max: 2000 }), { nil: undefined }),
      drift: fc.integer({ min: -5000, max: 5000 }),
    })
    .map(({ lines, tax, tip, drift }) => {
      const itemised = (lines ?? []).reduce((sum, line) => sum + line.amount, 0);
      const goods = Math.max(0, (lines ? itemised : 10_000) + drift);
      return {
        total: usd(goods + (tax ?? 0) + (tip ?? 0)),
        ...(tax !== undefined ? { tax: usd(tax) } : {}),
        ...(tip !== undefined ? { tip: usd(tip) } : {}),
        ...(lines ? { lines } : {}),
      };
    }),
  { nil: null },
);

describe('property: without tiers, the explanation read is the one checkIn would have kept', () => {
  it('for any program, sale, instant and time zone, and whatever zone the store moves to after', () => {
    fc.assert(
      fc.property(
        programArb,
        saleArb,
        fc.date({
          min: new Date('2025-06-01T00:00:00Z'),
          max: new Date('2027-06-01T00:00:00Z'),
          noInvalidDate: true,
        }),
        fc.constantFrom(...TIME_ZONES),
        fc.constantFrom(...TIME_ZONES),
        (program, sale, at, zone, zoneAfter) => {
          t.ledger.setStore({ ...t.ledger.store, timeZone: zone });
          use(program);
          t.clock.set(at.toISOString());
          const result = checkIn(sale);
          t.ledger.setStore({ ...t.ledger.store, timeZone: zoneAfter });
          // What checkIn kept on every event before (4cc988e…): explanationOf the engine's lines.
          const kept = result.lines.length > 0 ? explanationOf(result.lines) : undefined;
          expect(storedBody(result.eventId).payload).not.toHaveProperty('explanation');
          expect(read(result.eventId)).toEqual({ today: kept, history: kept });
        },
      ),
      { numRuns: 200 },
    );
  });
});
