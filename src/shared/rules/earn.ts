import { minorUnitsPerMajor } from '../money';
import type { Program } from '../program';
import {
  NOT_INCLUDED,
  paidAmount,
  REWARD_LINE,
  spendBasis,
  spendsAtLeast,
  type BasisLine,
  type SaleForEarn,
  type SpendBasis,
} from './basis';
import { describeSchedule, choosePromotions, qualifyingPromotions } from './promotions';
import { splitByCumulativeFloor } from './rounding';
import { sectionsOf, type Promotion, type Tier } from './schema';
import { tierFor, type TierStanding } from './tiers';
import { currencyUnitText, moneyText, multiplierNumber, multiplierText, pointsText } from './explain';
import type { EarnMessage, MessageMoney } from './message';

/**
 * Points a check-in earns, with a line-by-line explanation.
 *
 *   base      = visit points + Σ over earning lines of (amount × rate × item multiplier)
 *   promotion = base × (promotion multiplier − 1), or a fixed bonus   ("best" one, or all if "stack")
 *   tier      = base × (tier multiplier − 1)
 *   total     = floor(base + promotions + tier)                        (rules/rounding.ts)
 *
 * Every multiplier applies to the base, never to another bonus, so bonuses add and never compound:
 * Gold 1.5× on a 2× Tuesday earns 2.5× the base. The minimum spend gates everything: a sale below
 * it earns nothing, whatever the tier or promotion. Pure: time is an argument.
 */

export type EarnLineKind = 'visit' | 'spend' | 'promotion' | 'tier' | 'excluded' | 'note';

export interface EarnedLine {
  kind: EarnLineKind;
  /** Short, for the customer screen: "2× Tuesday". */
  label: string;
  /** Full, for the cashier: what rule, on what amount. */
  detail: string;
  points: number;
  /** What the line says, as data the screens translate; `label` and `detail` are its English. */
  message: EarnMessage;
}

/** What a receipt earned, kept by the ledger so a refund can reverse exactly that. */
export interface EarnedReceipt {
  /** The sale total (tax and tip included), minor units. */
  total: number;
  points: number;
  /** Points that belong to the receipt as a whole: visit, fixed bonuses, money not itemised. */
  receiptPoints: number;
  /** One entry per sale line, in order: the points that line earned (its share of every bonus). */
  lines: { quantity: number; amount: number; points: number }[];
}

export interface Earning {
  points: number;
  /** Their points add up to `points`. */
  lines: EarnedLine[];
  /** The spend that earned points (after tax, tip, exclusions and discounts), minor units. */
  eligibleAmount: number;
  tier: Pick<Tier, 'id' | 'name' | 'earnPercent'> | null;
  promotionIds: string[];
  receipt: EarnedReceipt;
}

export interface EarnWhen {
  at: Date;
  /** The store's IANA time zone. */
  timeZone: string;
}

export interface EarnOptions {
  /**
   * false: the lines' `label` and `detail` are left empty (their `message` is still there). For a
   * caller that needs the points only, e.g. the server checking every stored check-in: the English
   * texts are most of what an earn costs.
   */
  explain?: boolean;
}

interface ExactLine {
  kind: EarnLineKind;
  label: string;
  detail: string;
  message: EarnMessage;
  /** Exact points × DENOMINATOR (see below). */
  exact: bigint;
}

// The helpers below are module functions, not closures made on every call: earn() runs for every
// check-in on the till and for every stored check-in on the server.

function meetsSpend(basis: SpendBasis | null, amount: number): boolean {
  return basis ? spendsAtLeast(basis, amount) : amount === 0;
}

function nothingEarned(lines: EarnedLine[], eligibleAmount: number, sale: SaleForEarn | null): Earning {
  return { points: 0, lines, eligibleAmount, tier: null, promotionIds: [], receipt: emptyReceipt(sale) };
}

/** A basis line's base points in BASE_UNIT units (see earn). */
function lineBase(basis: SpendBasis, rate: number, line: BasisLine): bigint {
  return line.excludedBy === null
    ? BigInt(line.amount) * BigInt(rate) * BigInt(line.percent) * basis.scale.numerator
    : 0n;
}

/** A promotion's worth in DENOMINATOR units. */
function promotionWorth(promotion: Promotion, base: bigint, denominator: bigint): bigint {
  return promotion.effect.kind === 'multiply'
    ? base * BigInt(promotion.effect.percent - 100)
    : BigInt(promotion.effect.points) * denominator;
}

export function earn(
  program: Program,
  customer: TierStanding,
  sale: SaleForEarn | null,
  when: EarnWhen | null,
  options: EarnOptions = {},
): Earning {
  const explain = options.explain !== false;
  const sections = sectionsOf(program);
  const { pointsPerCurrencyUnit: rate, pointsPerVisit, minimumSpend } = program.earn;
  const currency = sale?.total.currency ?? null;
  const perMajor = BigInt(currency === null ? 1 : minorUnitsPerMajor(currency));
  const basis = sale ? spendBasis(sections.itemRules, sale) : null;
  const eligibleAmount = basis?.eligible ?? 0;
  // Base points are counted in units of 1 ÷ (perMajor × 100 × the order-discount scale's
  // denominator): amount × rate × item percent × scale numerator is then an integer. Bonuses
  // multiply the base by (percent − 100), adding one more factor of 100.
  const BASE_UNIT = perMajor * 100n * (basis?.scale.denominator ?? 1n);
  const DENOMINATOR = BASE_UNIT * 100n;
  const saleLineCount = sale?.lines?.length ?? 0;

  if (sale === null && minimumSpend > 0) {
    return nothingEarned(
      [
        note(
          'No purchase',
          'No purchase: this program gives points only for a purchase of a minimum amount',
          {
            id: 'noPurchase',
            values: {},
          },
        ),
      ],
      eligibleAmount,
      sale,
    );
  }
  if (sale !== null && !meetsSpend(basis, minimumSpend)) {
    return nothingEarned(
      [
        note(
          'Below minimum spend',
          explain
            ? `Below the minimum spend: ${moneyText(eligibleAmount, sale.total.currency)} counts towards points; the minimum is ${moneyText(minimumSpend, sale.total.currency)}`
            : '',
          {
            id: 'belowMinimum',
            values: {
              eligible: { amount: eligibleAmount, currency: sale.total.currency },
              minimum: { amount: minimumSpend, currency: sale.total.currency },
            },
          },
        ),
      ],
      eligibleAmount,
      sale,
    );
  }

  const lines: ExactLine[] = [];
  const visitBase = BigInt(pointsPerVisit) * BASE_UNIT;
  if (pointsPerVisit > 0) {
    lines.push({
      kind: 'visit',
      label: 'Visit',
      detail: !explain
        ? ''
        : minimumSpend > 0 && currency
          ? `${pointsText(pointsPerVisit)} for the visit (spent at least ${moneyText(minimumSpend, currency)})`
          : `${pointsText(pointsPerVisit)} for the visit`,
      message: {
        id: 'visit',
        values: {
          points: pointsPerVisit,
          minimumSpend: minimumSpend > 0 && currency ? { amount: minimumSpend, currency } : null,
        },
      },
      exact: visitBase * 100n,
    });
  }
  if (basis && currency && rate > 0) lines.push(...spendLines(basis, rate, currency, explain));
  let base = visitBase;
  if (basis) for (const line of basis.lines) base += lineBase(basis, rate, line);

  // Promotions: each one's worth in DENOMINATOR units, to pick the best and to explain it.
  const promotions = choosePromotions(
    sections.promotions.combine,
    qualifyingPromotions(sections.promotions, when, (amount) => meetsSpend(basis, amount)),
    (promotion) => promotionWorth(promotion, base, DENOMINATOR),
  );
  let extraPercent = 0n; // Σ (multiplier − 100) of everything that scales the base
  let fixedBonus = 0n;
  for (const promotion of promotions) {
    if (promotion.effect.kind === 'multiply') extraPercent += BigInt(promotion.effect.percent - 100);
    else fixedBonus += promotionWorth(promotion, base, DENOMINATOR);
    lines.push({
      kind: 'promotion',
      label: promotion.label ?? promotion.name,
      detail: !explain
        ? ''
        : promotion.effect.kind === 'multiply'
          ? `${promotion.name} (${describeSchedule(promotion)}): ${multiplierText(promotion.effect.percent)} the base points (this line is the extra)`
          : `${promotion.name} (${describeSchedule(promotion)}): ${pointsText(promotion.effect.points)} bonus`,
      message: {
        id: 'promotion',
        values: {
          name: promotion.name,
          label: promotion.label ?? promotion.name,
          multiplierPercent: promotion.effect.kind === 'multiply' ? promotion.effect.percent : null,
          bonusPoints: promotion.effect.kind === 'multiply' ? null : promotion.effect.points,
          days: promotion.days ? [...promotion.days] : null,
          hours: promotion.hours ? { from: promotion.hours.from, to: promotion.hours.to } : null,
          startDate: promotion.startDate ?? null,
          endDate: promotion.endDate ?? null,
        },
      },
      exact: promotionWorth(promotion, base, DENOMINATOR),
    });
  }

  const tier = tierFor(sections.tiers, customer);
  if (tier && tier.earnPercent > 100 && base > 0n) {
    extraPercent += BigInt(tier.earnPercent - 100);
    lines.push({
      kind: 'tier',
      label: explain ? `${tier.name} ${multiplierText(tier.earnPercent)}` : '',
      detail: explain
        ? `${tier.name} tier (${pointsText(customer.tierPoints)} in the last ${sections.tiers.windowDays} days): ${multiplierText(tier.earnPercent)} the base points (this line is the extra)`
        : '',
      message: {
        id: 'tier',
        values: {
          name: tier.name,
          multiplierPercent: tier.earnPercent,
          tierPoints: customer.tierPoints,
          windowDays: sections.tiers.windowDays,
        },
      },
      exact: base * BigInt(tier.earnPercent - 100),
    });
  }

  const parts = splitByCumulativeFloor(
    lines.map((line) => line.exact),
    DENOMINATOR,
  );
  const points = parts.reduce((sum, part) => sum + part, 0);

  // The same exact total, split by sale line instead of by rule, for line-by-line refunds.
  const scale = 100n + extraPercent;
  const perSaleLine = Array.from({ length: saleLineCount }, () => 0n);
  let receiptExact = visitBase * scale + fixedBonus;
  for (const line of basis?.lines ?? []) {
    if (line.saleLine === null) receiptExact += lineBase(basis!, rate, line) * scale;
    else perSaleLine[line.saleLine]! += lineBase(basis!, rate, line) * scale;
  }
  const [receiptPoints = 0, ...linePoints] = splitByCumulativeFloor(
    [receiptExact, ...perSaleLine],
    DENOMINATOR,
  );

  return {
    points,
    lines: lines.map((line, index) => ({
      kind: line.kind,
      label: line.label,
      detail: line.detail,
      points: parts[index]!,
      message: line.message,
    })),
    eligibleAmount,
    tier: tier && base > 0n ? { id: tier.id, name: tier.name, earnPercent: tier.earnPercent } : null,
    promotionIds: promotions.map((promotion) => promotion.id),
    receipt: {
      total: sale?.total.amount ?? 0,
      points,
      receiptPoints,
      lines: (sale?.lines ?? []).map((line, index) => ({
        quantity: line.quantity,
        amount: line.amount,
        points: linePoints[index] ?? 0,
      })),
    },
  };
}

function paidMoney(basis: SpendBasis, currency: string, amount: number): MessageMoney {
  return { amount: paidAmount(basis, amount), currency };
}

function paidText(basis: SpendBasis, currency: string, amount: number): string {
  return moneyText(paidAmount(basis, amount), currency);
}

/** Spend lines grouped by rate (base first, then each multiply rule), then what did not earn. */
function spendLines(basis: SpendBasis, rate: number, currency: string, explain: boolean): ExactLine[] {
  const unit = explain ? currencyUnitText(currency) : '';
  const groups = new Map<string, { percent: number; rule: string | null; amount: number; exact: bigint }>();
  const excluded = new Map<string, number>();
  for (const line of basis.lines) {
    if (line.excludedBy !== null) {
      if (line.amount > 0) excluded.set(line.excludedBy, (excluded.get(line.excludedBy) ?? 0) + line.amount);
      continue;
    }
    const key = line.multiplyRule ?? '';
    const group = groups.get(key) ?? { percent: line.percent, rule: line.multiplyRule, amount: 0, exact: 0n };
    group.amount += line.amount;
    group.exact += lineBase(basis, rate, line) * 100n;
    groups.set(key, group);
  }
  const ordered = [...groups.values()].sort((a, b) => Number(a.rule !== null) - Number(b.rule !== null));
  const lines: ExactLine[] = ordered.map((group) =>
    group.rule === null
      ? {
          kind: 'spend',
          label: explain ? `${paidText(basis, currency, group.amount)} spent` : '',
          detail: explain
            ? `${pointsText(rate)} per ${unit} on ${paidText(basis, currency, group.amount)}`
            : '',
          message: { id: 'spend', values: { amount: paidMoney(basis, currency, group.amount), rate } },
          exact: group.exact,
        }
      : {
          kind: 'spend',
          label: explain ? `${multiplierText(group.percent)} ${group.rule}` : '',
          detail: explain
            ? `${group.rule}: ${pointsText(rate)} per ${unit} × ${multiplierNumber(group.percent)} on ${paidText(basis, currency, group.amount)}`
            : '',
          message: {
            id: 'spendRule',
            values: {
              rule: group.rule,
              multiplierPercent: group.percent,
              rate,
              amount: paidMoney(basis, currency, group.amount),
            },
          },
          exact: group.exact,
        },
  );
  if (basis.tax + basis.tip > 0) {
    const what = explain
      ? [
          basis.tax > 0 ? `tax ${moneyText(basis.tax, currency)}` : null,
          basis.tip > 0 ? `tip ${moneyText(basis.tip, currency)}` : null,
        ].filter((part) => part !== null)
      : [];
    lines.push({
      kind: 'excluded',
      label: basis.tax > 0 && basis.tip > 0 ? 'Tax and tip' : basis.tax > 0 ? 'Tax' : 'Tip',
      detail: explain ? `Not counted: ${what.join(' and ')}` : '',
      message: {
        id: 'excludedTaxTip',
        values: {
          tax: basis.tax > 0 ? { amount: basis.tax, currency } : null,
          tip: basis.tip > 0 ? { amount: basis.tip, currency } : null,
        },
      },
      exact: 0n,
    });
  }
  for (const [reason, amount] of excluded) {
    lines.push({
      kind: 'excluded',
      label: reason,
      detail: explain ? `Not counted: ${reason}, ${paidText(basis, currency, amount)}` : '',
      message:
        reason === REWARD_LINE
          ? { id: 'excludedReward', values: { amount: paidMoney(basis, currency, amount) } }
          : reason === NOT_INCLUDED
            ? { id: 'excludedNotIncluded', values: { amount: paidMoney(basis, currency, amount) } }
            : { id: 'excludedRule', values: { rule: reason, amount: paidMoney(basis, currency, amount) } },
      exact: 0n,
    });
  }
  return lines;
}

function note(label: string, detail: string, message: EarnMessage): EarnedLine {
  return { kind: 'note', label, detail, points: 0, message };
}

function emptyReceipt(sale: SaleForEarn | null): EarnedReceipt {
  return {
    total: sale?.total.amount ?? 0,
    points: 0,
    receiptPoints: 0,
    lines: (sale?.lines ?? []).map((line) => ({ quantity: line.quantity, amount: line.amount, points: 0 })),
  };
}
