import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LedgerEvent } from '../../src/shared/events';
import type { ProgramDocument } from '../../src/shared/program';
import { ProgramSchema } from '../../src/shared/program';
import { evaluateCheckIn } from '../../src/shared/rules';
import type { SaleLine } from '../../src/shared/sale';
import { type TestServer, type Till, createTestServer, phone } from './support/harness';

/**
 * The push rule check recomputes points.earned with the shared rules engine, for every program:
 * the event's sale (total, tax, tip, lines), its moment in the store's time zone, and the tier the
 * till says the customer held. A correct till is never flagged; a wrong one always is.
 */

const TIME_ZONE = 'America/New_York';
const PROGRAM: ProgramDocument = {
  version: 1,
  name: 'Shoe shop',
  termsVersion: '1',
  earn: { pointsPerCurrencyUnit: 1, pointsPerVisit: 0, minimumSpend: 0 },
  rewards: [{ id: 'reward-100', name: '$5 off', pointsCost: 100, discount: { kind: 'fixed', amount: 500 } }],
  offlineRedemptionCap: 300,
  itemRules: [
    { action: 'multiply', name: 'Shoes', categories: ['shoes'], percent: 200 },
    { action: 'exclude', name: 'Gift cards', skus: ['GIFT'] },
  ],
  promotions: {
    combine: 'best',
    offers: [
      {
        id: 'tuesday',
        name: 'Double points on Tuesdays',
        label: '2× Tuesday',
        effect: { kind: 'multiply', percent: 200 },
        days: ['tuesday'],
      },
    ],
  },
  tiers: {
    windowDays: 365,
    downgrade: 'rolling',
    levels: [
      { id: 'silver', name: 'Silver', threshold: 500, earnPercent: 125 },
      { id: 'gold', name: 'Gold', threshold: 2000, earnPercent: 150 },
    ],
  },
  expiry: { kind: 'after_days', days: 365 },
};
const program = ProgramSchema.parse(PROGRAM);

const LINES: SaleLine[] = [
  { sku: 'RUN-42', category: 'shoes', quantity: 1, amount: 89_99 },
  { sku: 'SOCK-3', category: 'socks', quantity: 3, amount: 15_00 },
  { sku: 'GIFT', category: null, quantity: 1, amount: 25_00 },
];
const SALE = {
  total: { amount: 138_39, currency: 'USD' },
  tax: { amount: 8_40, currency: 'USD' },
  lines: LINES,
};
/** Tuesday 10:00 in New York. */
const TUESDAY = '2026-11-24T15:00:00.000Z';
/** Tuesday 22:00 in New York, already Wednesday in UTC. */
const TUESDAY_NIGHT = '2026-11-25T03:00:00.000Z';
/** Wednesday 10:00 in New York. */
const WEDNESDAY = '2026-11-25T15:00:00.000Z';

let server: TestServer;
let storeId: string;
let till: Till;

beforeAll(async () => {
  server = await createTestServer();
  ({ storeId } = await server.createStore({ timeZone: TIME_ZONE, program: PROGRAM }));
  till = await server.enrol(storeId);
});
afterAll(async () => {
  await server?.close();
});

/** What the engine gives the sale at this moment and standing. */
function pointsAt(occurredAt: string, standing: { tierPoints: number; tierId: string | null }): number {
  const evaluation = evaluateCheckIn(program, { ...standing, lastCheckInAt: null, checkInsToday: 0 }, SALE, {
    at: new Date(occurredAt),
    timeZone: TIME_ZONE,
  });
  if (!('earning' in evaluation)) throw new Error('check-in refused');
  return evaluation.earning.points;
}

/** The points.earned event a correct till writes: the same engine, the same inputs. */
function earnedAsTheTillWould(
  phoneNumber: string,
  receiptId: string,
  occurredAt: string,
  standing: { tierPoints: number; tierId: string | null },
): LedgerEvent {
  const evaluation = evaluateCheckIn(program, { ...standing, lastCheckInAt: null, checkInsToday: 0 }, SALE, {
    at: new Date(occurredAt),
    timeZone: TIME_ZONE,
  });
  if (!('earning' in evaluation)) throw new Error('check-in refused');
  const { earning, lot } = evaluation;
  const base = till.earned(phoneNumber, receiptId, SALE.total.amount, { occurredAt, ruleVersion: 1 });
  return {
    ...base,
    type: 'points.earned',
    payload: {
      receiptId,
      total: SALE.total,
      points: earning.points,
      tax: SALE.tax,
      lines: LINES,
      ...(standing.tierId !== null || earning.tier ? { tierId: earning.tier?.id ?? standing.tierId } : {}),
      ...(lot.expiresOn ? { expiresOn: lot.expiresOn } : {}),
    },
  } as LedgerEvent;
}

/** The rule_mismatch flags of these events, once the background recheck has checked them. */
async function mismatches(eventIds: string[]) {
  await server.recheckRules();
  const { rows } = await server.db.query<{
    event_id: string;
    store_id: string;
    device_id: string;
    phone: string | null;
    detail: Record<string, unknown>;
  }>(
    `SELECT f.event_id, f.store_id, f.device_id, c.phone, f.detail
       FROM flags f LEFT JOIN customers c ON c.id = f.customer_id
      WHERE f.kind = 'rule_mismatch' AND f.event_id = ANY($1::uuid[]) ORDER BY f.id`,
    [eventIds],
  );
  return rows;
}

const pointsOf = (event: LedgerEvent) => (event.payload as { points: number }).points;

describe('rule check: points.earned recomputed with the rules engine', () => {
  it('a correct event with lines, tax, a promotion and a tier is accepted and not flagged', async () => {
    const gold = earnedAsTheTillWould(phone(100), 'T-1', TUESDAY, { tierPoints: 2400, tierId: 'gold' });
    const silverNight = earnedAsTheTillWould(phone(101), 'T-2', TUESDAY_NIGHT, {
      tierPoints: 600,
      tierId: 'silver',
    });
    const plainWednesday = earnedAsTheTillWould(phone(102), 'T-3', WEDNESDAY, {
      tierPoints: 0,
      tierId: null,
    });
    // The engine's own answer: shoes 2×, socks 1×, gift card excluded, tax out; 2× Tuesday; Gold 1.5×.
    expect(pointsOf(plainWednesday)).toBeGreaterThan(0);
    expect(pointsOf(gold)).toBeGreaterThan(pointsOf(plainWednesday) * 2);
    expect((gold.payload as { expiresOn?: string }).expiresOn).toBe('2027-11-24');

    const res = await till.push([gold, silverNight, plainWednesday]);
    expect(res.status).toBe(200);
    expect(res.body.results.map((r) => r.status)).toEqual(['accepted', 'accepted', 'accepted']);
    expect(await mismatches([gold.id, silverNight.id, plainWednesday.id])).toEqual([]);
  });

  it('a tampered event is accepted (the customer was told) and flagged with the expected points', async () => {
    const honest = earnedAsTheTillWould(phone(103), 'T-4', TUESDAY, { tierPoints: 2400, tierId: 'gold' });
    const inflated = {
      ...honest,
      payload: { ...honest.payload, points: pointsOf(honest) + 10 },
    } as LedgerEvent;
    // Points a Tuesday promotion would give, claimed on a Wednesday.
    const tuesdayPoints = pointsAt(TUESDAY, { tierPoints: 0, tierId: null });
    const wrongDay = earnedAsTheTillWould(phone(104), 'T-5', WEDNESDAY, { tierPoints: 0, tierId: null });
    const wrongDayTampered = {
      ...wrongDay,
      payload: { ...wrongDay.payload, points: tuesdayPoints },
    } as LedgerEvent;
    // A tier the program does not have earns as no tier.
    const fakeTier = earnedAsTheTillWould(phone(105), 'T-6', WEDNESDAY, { tierPoints: 2400, tierId: 'gold' });
    const fakeTierTampered = {
      ...fakeTier,
      payload: { ...fakeTier.payload, tierId: 'platinum' },
    } as LedgerEvent;

    const res = await till.push([inflated, wrongDayTampered, fakeTierTampered]);
    expect(res.body.results.map((r) => r.status)).toEqual(['accepted', 'accepted', 'accepted']);
    const balance = res.body.balances.find((b) => b.phone === phone(103))?.balance;
    expect(balance).toBe(pointsOf(honest) + 10);
    // Two processes' passes at once still flag each event once (advisory lock, cursor in the row).
    await Promise.all([server.recheckRules(), server.recheckRules()]);
    const flags = await mismatches([inflated.id, wrongDayTampered.id, fakeTierTampered.id]);
    expect(flags.map((f) => [f.event_id, f.detail])).toEqual([
      [
        inflated.id,
        expect.objectContaining({
          problem: 'points',
          expected: pointsOf(honest),
          got: pointsOf(honest) + 10,
        }),
      ],
      [
        wrongDayTampered.id,
        expect.objectContaining({ problem: 'points', expected: pointsOf(wrongDay), got: tuesdayPoints }),
      ],
      [fakeTierTampered.id, expect.objectContaining({ problem: 'points', tierId: 'platinum' })],
    ]);
    // Each flag names who pushed the event and whose it is.
    expect(flags.map((f) => [f.store_id, f.device_id, f.phone])).toEqual([
      [storeId, till.deviceId, phone(103)],
      [storeId, till.deviceId, phone(104)],
      [storeId, till.deviceId, phone(105)],
    ]);
  });

  it('a wrong expiry date is flagged', async () => {
    const event = earnedAsTheTillWould(phone(106), 'T-7', WEDNESDAY, { tierPoints: 0, tierId: null });
    const tampered = { ...event, payload: { ...event.payload, expiresOn: '2030-01-01' } } as LedgerEvent;
    await till.push([tampered]);
    expect((await mismatches([tampered.id])).map((f) => f.detail)).toEqual([
      expect.objectContaining({ problem: 'expiry', expected: '2027-11-25', got: '2030-01-01' }),
    ]);
  });

  it('the recheck keeps its position in the database: an event is checked, and flagged, once', async () => {
    const event = earnedAsTheTillWould(phone(108), 'T-9', WEDNESDAY, { tierPoints: 0, tierId: null });
    const tampered = { ...event, payload: { ...event.payload, points: pointsOf(event) + 1 } } as LedgerEvent;
    await till.push([tampered]);
    await server.recheckRules();
    await server.recheckRules();
    expect(await mismatches([tampered.id])).toHaveLength(1);
    const { rows } = await server.db.query<{ behind: boolean }>(
      `SELECT r.cursor_seq < e.server_seq AS behind FROM rule_recheck r, ledger_events e WHERE e.id = $1`,
      [tampered.id],
    );
    expect(rows).toEqual([{ behind: false }]);
  });

  it('a till naming the tier it last recorded, which the rolling window no longer reaches, is not flagged', async () => {
    // The till held "silver" for the customer, but the window now counts 100 points: the sale
    // earns at no tier, and the event still names "silver" (tierId: earning.tier ?? held tier).
    const event = earnedAsTheTillWould(phone(107), 'T-8', WEDNESDAY, { tierPoints: 100, tierId: 'silver' });
    expect((event.payload as { tierId?: string }).tierId).toBe('silver');
    await till.push([event]);
    expect(await mismatches([event.id])).toEqual([]);
  });
});

describe('refunds that give back reward points', () => {
  it('the balance uses pointsDelta: points taken back minus points restored; reports show both', async () => {
    const p = phone(120);
    const day = '2026-11-26';
    const o = { businessDay: day, occurredAt: WEDNESDAY };
    const plain = await server.createStore({ timeZone: TIME_ZONE });
    const t = await server.enrol(plain.storeId);
    const earned = t.earned(p, 'R-1', 300_00, o); // 300 points
    const redeemed = t.redeemed(p, 100, o);
    (redeemed.payload as { receiptId: string | null }).receiptId = 'R-1';
    const refund = t.reversed(p, 'R-1', 300_00, 300, o);
    (refund.payload as { restoredPoints?: number }).restoredPoints = 100;
    const res = await t.push([earned, redeemed, refund]);
    expect(res.body.results.map((r) => r.status)).toEqual(['accepted', 'accepted', 'accepted']);
    // 300 earned − 100 spent − 300 taken back + 100 given back.
    expect(res.body.balances.find((b) => b.phone === p)?.balance).toBe(0);

    const { rows } = await server.db.query<Record<string, number>>(
      `SELECT b.points, b.earned, b.redeemed, b.reversed, b.restored
         FROM balances b JOIN customers c ON c.id = b.customer_id WHERE c.phone = $1`,
      [p],
    );
    expect(rows[0]).toEqual({ points: 0, earned: 300, redeemed: 100, reversed: 300, restored: 100 });

    const report = await server.admin<{
      totals: Record<string, number>;
      outstandingPoints: number;
    }>('GET', `/v1/reports/daily?storeId=${plain.storeId}&date=${day}`);
    expect(report.body.totals).toMatchObject({
      pointsIssued: 300,
      pointsRedeemed: 100,
      pointsReversed: 300,
      pointsRestored: 100,
    });
    expect(report.body.outstandingPoints).toBe(0);
  });
});
