import type { DayName } from './calendar';

/**
 * What an explanation line says, as data: the screens translate it (src/renderer/src/app/
 * explain-text.ts) instead of showing the engine's English `label` and `detail`. Money is integer
 * minor units with its currency; multipliers are percents (150 = 1.5×); the names of rules,
 * promotions and tiers are the program's own and are shown as written. Type aliases, not
 * interfaces, so a message is assignable to the looser shape an event keeps (shared/events.ts).
 */
export type MessageMoney = { amount: number; currency: string };

export type EarnMessage =
  /** "$11.50 spent" / "1 point per $1 on $11.50". */
  | { id: 'spend'; values: { amount: MessageMoney; rate: number } }
  /** "1.5× Coffee" / "Coffee: 1 point per $1 × 1.5 on $4.00". */
  | {
      id: 'spendRule';
      values: { rule: string; multiplierPercent: number; rate: number; amount: MessageMoney };
    }
  /** "Visit" / "5 points for the visit (spent at least $5.00)"; minimumSpend null: no minimum. */
  | { id: 'visit'; values: { points: number; minimumSpend: MessageMoney | null } }
  /**
   * The promotion's label (or name) / "Double Tuesday (Tuesdays 16:00–18:00): 2× the base points
   * (this line is the extra)"; multiplierPercent or bonusPoints, the other null.
   */
  | {
      id: 'promotion';
      values: {
        name: string;
        label: string;
        multiplierPercent: number | null;
        bonusPoints: number | null;
        days: DayName[] | null;
        hours: { from: string; to: string } | null;
        startDate: string | null;
        endDate: string | null;
      };
    }
  /** "Gold 1.5×" / "Gold tier (1200 points in the last 365 days): 1.5× the base points …". */
  | {
      id: 'tier';
      values: { name: string; multiplierPercent: number; tierPoints: number; windowDays: number };
    }
  /** "Tax and tip" / "Not counted: tax $1.00 and tip $2.00"; a null part was not on the sale. */
  | { id: 'excludedTaxTip'; values: { tax: MessageMoney | null; tip: MessageMoney | null } }
  /** "Alcohol" / "Not counted: Alcohol, $8.00": an exclusion rule of the program. */
  | { id: 'excludedRule'; values: { rule: string; amount: MessageMoney } }
  /** "Paid with a reward" / "Not counted: Paid with a reward, $3.50". */
  | { id: 'excludedReward'; values: { amount: MessageMoney } }
  /** "Not in an earning category" / "Not counted: Not in an earning category, $2.00". */
  | { id: 'excludedNotIncluded'; values: { amount: MessageMoney } }
  /** "Below minimum spend" / "Below the minimum spend: $3.00 counts towards points; the minimum is $5.00". */
  | { id: 'belowMinimum'; values: { eligible: MessageMoney; minimum: MessageMoney } }
  /** "No purchase" / "No purchase: this program gives points only for a purchase of a minimum amount". */
  | { id: 'noPurchase'; values: Record<string, never> };

export type EarnMessageId = EarnMessage['id'];

export const EARN_MESSAGE_IDS = [
  'spend',
  'spendRule',
  'visit',
  'promotion',
  'tier',
  'excludedTaxTip',
  'excludedRule',
  'excludedReward',
  'excludedNotIncluded',
  'belowMinimum',
  'noPurchase',
] as const satisfies readonly EarnMessageId[];
