import type { Db } from '../db/connection';
import type { CheckInCustomer } from '../../shared/rules';
import { sectionsOf } from '../../shared/rules/schema';
import type { Program } from '../../shared/program';

/**
 * What the rules engine needs to know about a customer, read from this till's ledger. Each
 * question is asked only when the program uses it (a program without tiers never sums a tier
 * window), because every one of them is a walk of the customer's events on the sale path.
 * Until sync brings other stores' events, the answers count this till's events only.
 */
export function createCustomerState(db: Db) {
  const tierPointsSince = db
    .prepare(
      `SELECT coalesce(sum(CASE WHEN type = 'points.earned' THEN points_delta
                                ELSE -json_extract(body, '$.payload.points') END), 0)
         FROM ledger_events
        WHERE phone = ? AND type IN ('points.earned', 'points.reversed') AND occurred_at >= ?`,
    )
    .pluck();
  const heldTier = db.prepare('SELECT tier_id FROM customers WHERE phone = ?').pluck();
  const lastCheckIn = db
    .prepare(
      `SELECT occurred_at FROM ledger_events
        WHERE phone = ? AND type = 'points.earned' ORDER BY seq DESC LIMIT 1`,
    )
    .pluck();
  const checkInsOn = db
    .prepare(
      `SELECT count(*) FROM ledger_events WHERE phone = ? AND type = 'points.earned' AND business_day = ?`,
    )
    .pluck();
  const redemptionsSince = db
    .prepare(
      `SELECT count(*) FROM ledger_events
        WHERE phone = ? AND type = 'points.redeemed' AND business_day >= ?
          AND json_extract(body, '$.payload.rewardId') = ?`,
    )
    .pluck();
  const saveTier = db.prepare('UPDATE customers SET tier_id = ? WHERE phone = ?');

  return {
    /** Tier standing and check-in history for a check-in at `now` on `businessDay`. */
    forCheckIn(program: Program, phone: string, now: Date, businessDay: string): CheckInCustomer {
      const { tiers, checkIns } = sectionsOf(program);
      const usesTiers = tiers.levels.length > 0;
      const usesLimits = checkIns.cooldownMinutes > 0 || checkIns.maxPerDay !== null;
      const since = new Date(now.getTime() - tiers.windowDays * 86_400_000).toISOString();
      const last = usesLimits ? (lastCheckIn.get(phone) as string | undefined) : undefined;
      return {
        tierPoints: usesTiers ? (tierPointsSince.get(phone, since) as number) : 0,
        tierId: usesTiers ? ((heldTier.get(phone) as string | null | undefined) ?? null) : null,
        lastCheckInAt: last ? new Date(last) : null,
        checkInsToday: usesLimits ? (checkInsOn.get(phone, businessDay) as number) : 0,
      };
    },
    /** Times the customer redeemed a reward since a business day (null: ever). */
    redemptionsSince(phone: string, rewardId: string, firstDay: string | null): number {
      return redemptionsSince.get(phone, firstDay ?? '0000-00-00', rewardId) as number;
    },
    saveTier(phone: string, tierId: string | null): void {
      saveTier.run(tierId, phone);
    },
  };
}
