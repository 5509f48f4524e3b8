import type { Program } from '../program';
import { checkInDecision, type CheckInDecision, type CheckInHistory } from './abuse';
import type { SaleForEarn } from './basis';
import { earn, type EarnWhen, type Earning } from './earn';
import { lotExpiresOn } from './expiry';
import { wallClock } from './calendar';
import { sectionsOf } from './schema';
import { tierFor, tierProgress, type TierProgress, type TierStanding } from './tiers';

/**
 * One call for a check-in at the kiosk: may this phone check in now, what does the sale earn and
 * why, when do those points expire, and where does the customer stand in the tiers afterwards.
 */

export interface CheckInCustomer extends TierStanding, CheckInHistory {}

export type CheckInEvaluation =
  | { decision: Exclude<CheckInDecision, { allowed: true }> }
  | {
      decision: { allowed: true };
      earning: Earning;
      /** The lot the ledger records for these points: its expiry is fixed now, for ever. */
      lot: { points: number; earnedOn: string; expiresOn: string | null };
      /** The tier after this check-in's points count (for "Welcome to Gold!"). */
      tierAfter: TierProgress;
      /** True when this check-in moved the customer up a tier. */
      tierChanged: boolean;
    };

export function evaluateCheckIn(
  program: Program,
  customer: CheckInCustomer,
  sale: SaleForEarn | null,
  when: EarnWhen,
): CheckInEvaluation {
  const sections = sectionsOf(program);
  const decision = checkInDecision(sections.checkIns, customer, when.at, when.timeZone);
  if (!decision.allowed) return { decision };
  const earning = earn(program, customer, sale, when);
  const earnedOn = wallClock(when.at, when.timeZone).date;
  const before = tierFor(sections.tiers, customer);
  const after: TierStanding = {
    tierPoints: customer.tierPoints + earning.points,
    tierId: before?.id ?? customer.tierId,
  };
  const tierAfter = tierProgress(sections.tiers, after);
  return {
    decision,
    earning,
    lot: { points: earning.points, earnedOn, expiresOn: lotExpiresOn(sections.expiry, earnedOn) },
    tierAfter,
    tierChanged: (tierAfter.tier?.id ?? null) !== (before?.id ?? null),
  };
}
