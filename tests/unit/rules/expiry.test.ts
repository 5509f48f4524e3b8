import { describe, expect, it } from 'vitest';
import {
  addLot,
  balanceOf,
  EMPTY_BOOK,
  expireLots,
  lotExpiresOn,
  newLot,
  nextExpiry,
  takePoints,
  type LotBook,
} from '../../../src/shared/rules';

describe('lot expiry dates, fixed when earned', () => {
  it('after N days: valid for N full days after the day earned', () => {
    expect(lotExpiresOn({ kind: 'after_days', days: 30 }, '2026-01-01')).toBe('2026-01-31');
    expect(lotExpiresOn({ kind: 'after_days', days: 365 }, '2028-02-29')).toBe('2029-02-28');
  });

  it('end of period: Square’s P12M, end of quarter, end of year', () => {
    const p12m = { kind: 'end_of_period', period: 'month', periodsAfter: 12 } as const;
    expect(lotExpiresOn(p12m, '2020-07-06')).toBe('2021-07-31');
    expect(lotExpiresOn({ kind: 'end_of_period', period: 'month', periodsAfter: 1 }, '2026-01-31')).toBe(
      '2026-02-28',
    );
    const quarter = { kind: 'end_of_period', period: 'quarter', periodsAfter: 0 } as const;
    expect(
      ['2026-01-15', '2026-03-31', '2026-04-01', '2026-12-01'].map((d) => lotExpiresOn(quarter, d)),
    ).toEqual(['2026-03-31', '2026-03-31', '2026-06-30', '2026-12-31']);
    expect(lotExpiresOn({ kind: 'end_of_period', period: 'year', periodsAfter: 1 }, '2026-12-31')).toBe(
      '2027-12-31',
    );
  });

  it('never: no date', () => {
    expect(lotExpiresOn({ kind: 'never' }, '2026-01-01')).toBeNull();
  });

  it('dates a lot by the store’s business day, not UTC', () => {
    // 23:30 on 31 Dec in New York is already 1 Jan in UTC.
    const lot = newLot(
      { kind: 'end_of_period', period: 'year', periodsAfter: 0 },
      'e1',
      10,
      new Date('2027-01-01T04:30:00Z'),
      'America/New_York',
    );
    expect(lot).toEqual({ id: 'e1', points: 10, earnedOn: '2026-12-31', expiresOn: '2026-12-31' });
  });
});

const book: LotBook = {
  lots: [
    { id: 'never', points: 50, earnedOn: '2026-01-01', expiresOn: null },
    { id: 'late', points: 30, earnedOn: '2026-01-05', expiresOn: '2026-12-31' },
    { id: 'soon', points: 20, earnedOn: '2026-02-01', expiresOn: '2026-03-31' },
  ],
  debt: 0,
};

describe('spending and expiring lots', () => {
  it('spends the soonest-expiring points first, never-expiring last', () => {
    const taking = takePoints(book, 40)!;
    expect(taking.taken).toEqual([
      { id: 'soon', points: 20 },
      { id: 'late', points: 20 },
    ]);
    expect(balanceOf(taking.book)).toBe(60);
    expect(taking.book.lots.map((l) => [l.id, l.points])).toEqual([
      ['never', 50],
      ['late', 10],
    ]);
  });

  it('refuses to spend more than the balance unless debt is allowed, and then records it', () => {
    expect(takePoints(book, 101)).toBeNull();
    const overdrawn = takePoints(book, 130, { allowDebt: true })!;
    expect(overdrawn.book).toEqual({ lots: [], debt: 30 });
    expect(balanceOf(overdrawn.book)).toBe(-30);
  });

  it('takes a refund’s points from the receipt’s own lot first', () => {
    expect(takePoints(book, 10, { allowDebt: true, firstFrom: 'never' })!.taken).toEqual([
      { id: 'never', points: 10 },
    ]);
  });

  it('repays debt from new points before making a lot', () => {
    const owing: LotBook = { lots: [], debt: 30 };
    expect(addLot(owing, { id: 'n', points: 20, earnedOn: '2026-05-01', expiresOn: null })).toEqual({
      lots: [],
      debt: 10,
    });
    expect(addLot(owing, { id: 'n', points: 50, earnedOn: '2026-05-01', expiresOn: null })).toEqual({
      lots: [{ id: 'n', points: 20, earnedOn: '2026-05-01', expiresOn: null }],
      debt: 0,
    });
  });

  it('expires lots the day after their last valid day, whole, and says what expires next', () => {
    expect(expireLots(book, '2026-03-31').expired).toEqual([]);
    const { book: after, expired } = expireLots(book, '2026-04-01');
    expect(expired).toEqual([{ id: 'soon', points: 20 }]);
    expect(balanceOf(after)).toBe(80);
    expect(nextExpiry(book, '2026-03-01')).toEqual({ date: '2026-03-31', points: 20 });
    expect(nextExpiry(EMPTY_BOOK, '2026-03-01')).toBeNull();
  });

  it('never changes its input', () => {
    const copy = structuredClone(book);
    takePoints(book, 40);
    expireLots(book, '2027-01-01');
    addLot(book, { id: 'x', points: 1, earnedOn: '2026-01-01', expiresOn: null });
    expect(book).toEqual(copy);
  });
});
