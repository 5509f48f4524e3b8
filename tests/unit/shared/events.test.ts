import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  canonicalJson,
  EVENT_TYPES,
  explanationOf,
  LedgerEventSchema,
  MAX_EXPLANATION_DETAIL,
  MAX_EXPLANATION_LINES,
  pointsDelta,
  SERVER_DEVICE_ID,
  type LedgerEvent,
} from '../../../src/shared/events';
import { businessDayOf } from '../../../src/shared/time';

const envelope = {
  id: '01932c07-2f4e-7c3a-9d1e-3b2a1c0d9e8f',
  deviceId: '01932c07-0000-7000-8000-000000000001',
  seq: 1,
  occurredAt: '2026-11-23T15:00:00.000Z',
  businessDay: '2026-11-23',
  ruleVersion: 0,
  phone: '+14155550123',
};

const examples: LedgerEvent[] = [
  {
    ...envelope,
    type: 'customer.enrolled',
    payload: { consent: { terms: true, termsVersion: '1', sms: true }, firstName: 'Ana' },
  },
  { ...envelope, type: 'consent.changed', payload: { sms: false, termsVersion: '1' } },
  {
    ...envelope,
    type: 'points.earned',
    payload: { receiptId: 'R-1', total: { amount: 1250, currency: 'USD' }, points: 12 },
  },
  {
    ...envelope,
    type: 'points.redeemed',
    payload: { rewardId: 'coffee', rewardName: 'Free coffee', points: 100, receiptId: null },
  },
  {
    ...envelope,
    type: 'points.reversed',
    payload: { receiptId: 'R-1', refund: { amount: 625, currency: 'USD' }, points: 6 },
  },
  {
    ...envelope,
    type: 'points.adjusted',
    payload: { points: -5, reason: 'Double scan', staffId: 'manager-1' },
  },
  {
    ...envelope,
    phone: null,
    type: 'day.closed',
    payload: {
      businessDay: '2026-11-23',
      checkIns: 1,
      enrolments: 1,
      pointsEarned: 12,
      pointsRedeemed: 100,
      pointsReversed: 6,
      pointsAdjusted: -5,
      eventCount: 5,
    },
  },
  {
    ...envelope,
    deviceId: SERVER_DEVICE_ID,
    seq: 8123,
    type: 'points.expired',
    payload: {
      points: 30,
      asOf: '2026-11-23',
      lots: [
        {
          lotId: '01932c07-2f4e-7c3a-9d1e-3b2a1c0d9e80',
          earnedOn: '2026-10-01',
          expiresOn: '2026-10-31',
          points: 20,
        },
        {
          lotId: '01932c07-2f4e-7c3a-9d1e-3b2a1c0d9e81',
          earnedOn: '2026-10-20',
          expiresOn: '2026-11-19',
          points: 10,
        },
      ],
    },
  },
];

describe('LedgerEventSchema', () => {
  it('has an example of every event type, and accepts each', () => {
    expect(examples.map((event) => event.type).sort()).toEqual([...EVENT_TYPES].sort());
    for (const event of examples) expect(LedgerEventSchema.parse(event)).toEqual(event);
  });

  it.each([
    ['a non-v7 id', { id: '6f1c2b3a-1d2e-4f5a-8b6c-7d8e9f0a1b2c' }],
    ['seq 0', { seq: 0 }],
    ['a fractional seq', { seq: 1.5 }],
    ['an unformatted phone', { phone: '415 555 0123' }],
    ['a wall-clock time without offset', { occurredAt: '2026-11-23T15:00:00' }],
    ['a business day that is not a date', { businessDay: '23/11/2026' }],
    ['an unknown type', { type: 'points.gifted' }],
    ['an unknown field', { extra: 1 }],
  ])('refuses %s', (_name, change) => {
    expect(LedgerEventSchema.safeParse({ ...examples[2], ...change }).success).toBe(false);
  });

  it('refuses payloads that do not fit the type', () => {
    const earned = examples[2]!;
    expect(
      LedgerEventSchema.safeParse({ ...earned, payload: { ...earned.payload, points: -1 } }).success,
    ).toBe(false);
    expect(
      LedgerEventSchema.safeParse({ ...earned, payload: { ...earned.payload, points: 1.5 } }).success,
    ).toBe(false);
    expect(
      LedgerEventSchema.safeParse({ ...examples[5], payload: { points: 0, reason: 'x', staffId: 'm' } })
        .success,
    ).toBe(false);
    expect(
      LedgerEventSchema.safeParse({
        ...examples[0],
        payload: { consent: { terms: false, termsVersion: '1', sms: false }, firstName: null },
      }).success,
    ).toBe(false);
    expect(LedgerEventSchema.safeParse({ ...examples[6], phone: '+14155550123' }).success).toBe(false);
    expect(
      LedgerEventSchema.safeParse({
        ...examples[5],
        payload: { points: 5, reason: 'x'.repeat(10_000), staffId: 'm' },
      }).success,
    ).toBe(false);
  });
});

describe('points.earned explanation', () => {
  const earned = examples[2]!;
  const explanation = [
    { kind: 'spend', label: '$12.50 spent', detail: '1 point per $1 on $12.50', points: 12 },
    {
      kind: 'promotion',
      label: '2× Tuesday',
      detail: 'Double Tuesday (Tuesdays): 2× the base points',
      points: 12,
    },
    { kind: 'excluded', label: 'Tax', detail: 'Not counted: tax $1.00', points: 0 },
  ];

  it('is optional: an event written before it existed parses, and hashes, exactly as before', () => {
    expect(earned.payload).not.toHaveProperty('explanation');
    const parsed = LedgerEventSchema.parse(earned);
    expect(parsed).toEqual(earned);
    expect(canonicalJson(parsed)).toBe(canonicalJson(earned));
    expect(canonicalJson(parsed)).not.toContain('explanation');
  });

  it('is kept with the event when present, line by line', () => {
    const withIt = { ...earned, payload: { ...earned.payload, explanation } };
    expect(LedgerEventSchema.parse(withIt)).toEqual(withIt);
    expect(pointsDelta(withIt)).toBe(12);
  });

  it('refuses too many lines, long texts, negative points and unknown fields', () => {
    const bad = (lines: unknown) =>
      LedgerEventSchema.safeParse({ ...earned, payload: { ...earned.payload, explanation: lines } }).success;
    expect(bad(Array.from({ length: MAX_EXPLANATION_LINES + 1 }, () => explanation[0]))).toBe(false);
    expect(bad([{ ...explanation[0], detail: 'x'.repeat(MAX_EXPLANATION_DETAIL + 1) }])).toBe(false);
    expect(bad([{ ...explanation[0], points: -1 }])).toBe(false);
    expect(bad([{ ...explanation[0], extra: true }])).toBe(false);
  });

  it('explanationOf clips what the engine said to what an event may hold, so a check-in never fails on it', () => {
    const long = explanationOf(
      Array.from({ length: MAX_EXPLANATION_LINES + 5 }, () => ({
        kind: 'promotion',
        label: 'L'.repeat(500),
        detail: `${'d'.repeat(MAX_EXPLANATION_DETAIL - 2)}😀😀`,
        points: 1,
      })),
    );
    expect(long).toHaveLength(MAX_EXPLANATION_LINES);
    expect(long[0]!.detail.length).toBeLessThanOrEqual(MAX_EXPLANATION_DETAIL);
    expect(long[0]!.detail.endsWith('…')).toBe(true);
    expect(long[0]!.detail).not.toMatch(/[\uD800-\uDBFF]…$/);
    const withIt = { ...earned, payload: { ...earned.payload, explanation: long } };
    expect(LedgerEventSchema.safeParse(withIt).success).toBe(true);
    expect(explanationOf(explanation)).toEqual(explanation);
  });
});

describe('pointsDelta', () => {
  it('is the signed effect of each event on a balance', () => {
    expect(examples.map(pointsDelta)).toEqual([0, 0, 12, -100, -6, -5, 0, -30]);
  });

  it('points.expired: a positive amount, the sum of its lots, each past its last day', () => {
    const expired = examples[7] as LedgerEvent & { type: 'points.expired' };
    const withPayload = (payload: Record<string, unknown>) =>
      LedgerEventSchema.safeParse({ ...expired, payload: { ...expired.payload, ...payload } }).success;
    expect(withPayload({ points: 29 })).toBe(false);
    expect(withPayload({ points: 0, lots: [] })).toBe(false);
    expect(withPayload({ lots: [{ ...expired.payload.lots[0], points: 30 }] })).toBe(true);
    expect(withPayload({ lots: [{ ...expired.payload.lots[0], points: 0 }], points: 0 })).toBe(false);
    expect(LedgerEventSchema.safeParse({ ...expired, phone: null }).success).toBe(false);
  });
});

describe('canonicalJson', () => {
  it('does not depend on key order', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { f: 2, e: 3 }], c: null } })).toBe(
      canonicalJson({ a: { c: null, d: [1, { e: 3, f: 2 }] }, b: 1 }),
    );
    expect(canonicalJson({ b: 1, a: 2 })).toBe('{"a":2,"b":1}');
    // Left out as JSON.stringify leaves them out, wherever they come in the key order.
    expect(canonicalJson({ a: undefined, b: [1, undefined], c: undefined })).toBe('{"b":[1,null]}');
  });

  it('is JSON that parses back to the same value, whatever order its keys were in', () => {
    const reversedKeys = (v: unknown): unknown =>
      Array.isArray(v)
        ? v.map(reversedKeys)
        : v !== null && typeof v === 'object'
          ? Object.fromEntries(
              Object.entries(v)
                .reverse()
                .map(([key, item]) => [key, reversedKeys(item)]),
            )
          : v;
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = canonicalJson(value);
        expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(value)));
        expect(canonicalJson(reversedKeys(value))).toBe(text);
      }),
    );
  });

  it('writes exactly the bytes of sorting the keys and stringifying (stored body hashes depend on them)', () => {
    // The plain form canonicalJson has always written; its faster code must never differ.
    const plain = (v: unknown): string => {
      if (v === null || typeof v !== 'object') return JSON.stringify(v) ?? 'null';
      if (Array.isArray(v)) return `[${v.map(plain).join(',')}]`;
      const record = v as Record<string, unknown>;
      const fields = Object.keys(record)
        .sort()
        .filter((key) => !['undefined', 'function', 'symbol'].includes(typeof record[key]))
        .map((key) => `${JSON.stringify(key)}:${plain(record[key])}`);
      return `{${fields.join(',')}}`;
    };
    // Keys of every kind: quotes, control characters, lone surrogates, digits only ("10" sorts
    // before "9" as text, not as a number), and one key seen under many values.
    const key = fc.oneof(
      fc.string({ unit: 'binary' }),
      fc.nat(20).map(String),
      fc.constantFrom('id', 'type'),
    );
    fc.assert(
      fc.property(
        fc.object({ key, maxDepth: 3, withNullPrototype: true }),
        fc.jsonValue(),
        (object, json) => {
          expect(canonicalJson(object)).toBe(plain(object));
          expect(canonicalJson(json)).toBe(plain(json));
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('businessDayOf', () => {
  it('is the date in the store’s time zone, not the machine’s', () => {
    const instant = new Date('2026-11-23T23:30:00Z');
    expect(businessDayOf(instant, 'America/New_York')).toBe('2026-11-23');
    expect(businessDayOf(instant, 'Australia/Sydney')).toBe('2026-11-24');
    expect(businessDayOf(new Date('2026-11-23T04:59:59Z'), 'America/New_York')).toBe('2026-11-22');
  });
});
