import type { Money } from '../money';
import { floorDiv } from './rounding';
import type { ItemRule } from './schema';

/**
 * What part of a sale earns spend points, line by line. The basis is what the customer actually
 * paid for goods:
 * - tax and tip are taken out of the total (a tip is the staff's, tax the state's);
 * - an order-level discount (the POS lines add up to more than was paid) goes first to lines paid
 *   with a reward, then is spread over the other lines in proportion to their amounts, so neither
 *   a free item nor a $5-off reward ever earns points itself (Odoo #221570).
 *   The spread is exact: each line counts amount × paid ÷ itemised, a fraction kept as the common
 *   `scale` so nothing is rounded before the one rounding of the points;
 * - money the lines do not itemise (a fee) is one extra line with no SKU or category;
 * - a line paid for with a reward (rewardId) never earns, whatever amount the POS gives it;
 * - item and category rules exclude lines, restrict earning to included lines, or multiply.
 * Without lines the whole net amount is one line, and item rules cannot apply.
 */

export interface SaleLineForEarn {
  sku: string;
  category?: string | null | undefined;
  quantity: number;
  amount: number;
  rewardId?: string | null | undefined;
}

export interface SaleForEarn {
  total: Money;
  tax?: Money | undefined;
  tip?: Money | undefined;
  lines?: readonly SaleLineForEarn[] | undefined;
}

/**
 * The sale a points.earned event was earned on, from what its payload kept of it (null: a visit
 * with no sale). The till recomputing a check-in's explanation and the server checking its points
 * both start here, so they read the event the same way.
 */
export function saleOfEarned(payload: {
  total: Money | null;
  tax?: Money | undefined;
  tip?: Money | undefined;
  lines?: readonly SaleLineForEarn[] | undefined;
}): SaleForEarn | null {
  if (!payload.total) return null;
  return {
    total: payload.total,
    ...(payload.tax ? { tax: payload.tax } : {}),
    ...(payload.tip ? { tip: payload.tip } : {}),
    ...(payload.lines ? { lines: payload.lines } : {}),
  };
}

export interface BasisLine {
  /** Position in sale.lines, or null for the amount the lines do not itemise. */
  saleLine: number | null;
  /** The line's amount before an order discount is spread (multiply by `scale` for what was paid). */
  amount: number;
  /** Why it earns nothing, or null when it earns. */
  excludedBy: string | null;
  /** Spend multiplier in percent (100 = the base rate). */
  percent: number;
  /** The multiply rule that set `percent`, for the explanation. */
  multiplyRule: string | null;
}

export interface SpendBasis {
  /** total − tax − tip. */
  net: number;
  tax: number;
  tip: number;
  lines: BasisLine[];
  /** What was paid per unit of line amount: 1/1, or paid ÷ itemised when there is an order discount. */
  scale: { numerator: bigint; denominator: bigint };
  /** What the earning lines were paid, exactly: Σ amount × scale.numerator (÷ scale.denominator). */
  eligibleExact: bigint;
  /** The same, rounded down to a minor unit, for display. */
  eligible: number;
}

/** Did the earning lines cost at least `amount`? Compared exactly, before any rounding. */
export function spendsAtLeast(basis: SpendBasis, amount: number): boolean {
  return basis.eligibleExact >= BigInt(amount) * basis.scale.denominator;
}

/** A basis amount as paid, rounded down to a minor unit, for display. */
export function paidAmount(basis: SpendBasis, amount: number): number {
  return Number(floorDiv(BigInt(amount) * basis.scale.numerator, basis.scale.denominator));
}

export const REWARD_LINE = 'Paid with a reward';
export const NOT_INCLUDED = 'Not in an earning category';

export function spendBasis(itemRules: readonly ItemRule[], sale: SaleForEarn): SpendBasis {
  const tax = sale.tax?.amount ?? 0;
  const tip = sale.tip?.amount ?? 0;
  const net = Math.max(0, sale.total.amount - tax - tip);
  const saleLines = sale.lines ?? [];
  const itemised = saleLines.reduce((sum, line) => sum + line.amount, 0);
  const amounts = saleLines.map((line) => line.amount);
  // Money the lines do not itemise (or the whole net when there are no lines) is one more line.
  if (itemised < net || saleLines.length === 0) amounts.push(net - itemised);
  // An order discount first covers the lines paid with rewards (the POS often sends a free item at
  // its price and takes it off the total); only what is left is spread over the other lines.
  const forMoney = saleLines.reduce((sum, line) => (line.rewardId ? sum : sum + line.amount), 0);
  const scale =
    forMoney > net
      ? { numerator: BigInt(net), denominator: BigInt(forMoney) }
      : { numerator: 1n, denominator: 1n };
  const lines: BasisLine[] = amounts.map((amount, index) => {
    const saleLine = index < saleLines.length ? index : null;
    // Without lines there is nothing to match rules against: the net amount earns at the base rate.
    const classification =
      saleLines.length === 0
        ? BASE_RATE
        : classify(itemRules, saleLine === null ? null : saleLines[saleLine]!);
    return { saleLine, amount, ...classification };
  });
  const eligibleExact = lines.reduce(
    (sum, line) => (line.excludedBy === null ? sum + BigInt(line.amount) * scale.numerator : sum),
    0n,
  );
  return {
    net,
    tax,
    tip,
    lines,
    scale,
    eligibleExact,
    eligible: Number(floorDiv(eligibleExact, scale.denominator)),
  };
}

const BASE_RATE = { excludedBy: null, percent: 100, multiplyRule: null } as const;

function matches(rule: ItemRule, line: SaleLineForEarn): boolean {
  return (
    rule.skus.includes(line.sku) ||
    (line.category !== null && line.category !== undefined && rule.categories.includes(line.category))
  );
}

function classify(
  itemRules: readonly ItemRule[],
  line: SaleLineForEarn | null,
): Pick<BasisLine, 'excludedBy' | 'percent' | 'multiplyRule'> {
  if (line?.rewardId) return { excludedBy: REWARD_LINE, percent: 100, multiplyRule: null };
  const matching = line ? itemRules.filter((rule) => matches(rule, line)) : [];
  // Exclusion wins over everything: a gift card in a "double points" category still earns nothing.
  const exclusion = matching.find((rule) => rule.action === 'exclude');
  if (exclusion) return { excludedBy: exclusion.name, percent: 100, multiplyRule: null };
  const includesExist = itemRules.some((rule) => rule.action === 'include');
  if (includesExist && !matching.some((rule) => rule.action === 'include')) {
    return { excludedBy: NOT_INCLUDED, percent: 100, multiplyRule: null };
  }
  // Several multiply rules on one line: the highest one applies, never their product.
  let best: Extract<ItemRule, { action: 'multiply' }> | null = null;
  for (const rule of matching) {
    if (rule.action === 'multiply' && (best === null || rule.percent > best.percent)) best = rule;
  }
  return best ? { excludedBy: null, percent: best.percent, multiplyRule: best.name } : BASE_RATE;
}
