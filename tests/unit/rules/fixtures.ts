import {
  DEFAULT_PROGRAM,
  ProgramSchema,
  type Program,
  type ProgramDocument,
} from '../../../src/shared/program';
import type { SaleForEarn, SaleLineForEarn } from '../../../src/shared/rules';

/** Builds a program the way a store owner would: a partial document, parsed (defaults filled). */
export function programOf(document: Partial<ProgramDocument> = {}): Program {
  const base: ProgramDocument = {
    version: DEFAULT_PROGRAM.version,
    name: DEFAULT_PROGRAM.name,
    termsVersion: DEFAULT_PROGRAM.termsVersion,
    earn: { pointsPerCurrencyUnit: 1, pointsPerVisit: 0, minimumSpend: 0 },
    rewards: [],
    offlineRedemptionCap: 500,
  };
  return ProgramSchema.parse({ ...base, ...document });
}

export const usd = (amount: number) => ({ amount, currency: 'USD' });

export function saleOf(
  total: number,
  extra: { tax?: number; tip?: number; lines?: SaleLineForEarn[] } = {},
): SaleForEarn {
  return {
    total: usd(total),
    ...(extra.tax === undefined ? {} : { tax: usd(extra.tax) }),
    ...(extra.tip === undefined ? {} : { tip: usd(extra.tip) }),
    ...(extra.lines === undefined ? {} : { lines: extra.lines }),
  };
}

export const NEW_YORK = 'America/New_York';
/** A Tuesday: 3 March 2026, 10:00 in New York (15:00 UTC). */
export const TUESDAY_10AM = { at: new Date('2026-03-03T15:00:00Z'), timeZone: NEW_YORK };
/** A Wednesday: 4 March 2026, 10:00 in New York. */
export const WEDNESDAY_10AM = { at: new Date('2026-03-04T15:00:00Z'), timeZone: NEW_YORK };
export const NO_TIER = { tierPoints: 0, tierId: null };

export const line = (sku: string, amount: number, extra: Partial<SaleLineForEarn> = {}): SaleLineForEarn => ({
  sku,
  quantity: 1,
  amount,
  ...extra,
});
