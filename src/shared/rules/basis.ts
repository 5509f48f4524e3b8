import type { Money } from '../money';
import { splitByCumulativeFloor } from './rounding';
import type { ItemRule } from './schema';

/**
 * What part of a sale earns spend points, line by line. The basis is what the customer actually
 * paid for goods:
 * - tax and tip are taken out of the total (a tip is the staff's, tax the state's);
 * - an order-level discount (the POS lines add up to more than was paid) is spread over the lines
 *   in proportion to their amounts, so a $5-off reward never earns points itself (Odoo #221570);
 * - money the lines do not itemise (a fee) is one extra line with no SKU or category;
 * - a line paid for with a reward (rewardId) never earns;
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

export interface BasisLine {
  /** Position in sale.lines, or null for the amount the lines do not itemise. */
  saleLine: number | null;
  /** Paid for this line after spreading order discounts, in minor units. */
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
  /** The sum of the lines that earn: what minimum spends are compared with. */
  eligible: number;
}

export const REWARD_LINE = 'Paid with a reward';
export const NOT_INCLUDED = 'Not in an earning category';

export function spendBasis(itemRules: readonly ItemRule[], sale: SaleForEarn): SpendBasis {
  const tax = sale.tax?.amount ?? 0;
  const tip = sale.tip?.amount ?? 0;
  const net = Math.max(0, sale.total.amount - tax - tip);
  const saleLines = sale.lines ?? [];
  const paid = paidPerLine(saleLines, net);
  const lines: BasisLine[] = paid.map((amount, index) => {
    const saleLine = index < saleLines.length ? index : null;
    // Without lines there is nothing to match rules against: the net amount earns at the base rate.
    const classification =
      saleLines.length === 0
        ? BASE_RATE
        : classify(itemRules, saleLine === null ? null : saleLines[saleLine]!);
    return { saleLine, amount, ...classification };
  });
  const eligible = lines.reduce((sum, line) => (line.excludedBy === null ? sum + line.amount : sum), 0);
  return { net, tax, tip, lines, eligible };
}

/** Each line's share of the net amount; one more entry when the lines itemise less than the net. */
function paidPerLine(saleLines: readonly SaleLineForEarn[], net: number): number[] {
  const itemised = saleLines.reduce((sum, line) => sum + line.amount, 0);
  if (itemised <= net) {
    const amounts = saleLines.map((line) => line.amount);
    if (net > itemised || saleLines.length === 0) amounts.push(net - itemised);
    return amounts;
  }
  // Lines add up to more than was paid: an order discount. Spread it in proportion, exactly.
  return splitByCumulativeFloor(
    saleLines.map((line) => BigInt(line.amount) * BigInt(net)),
    BigInt(itemised),
  );
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
