import type { Tier, Tiers } from './schema';

/**
 * Tiers by points earned over a trailing window. The ledger supplies the customer's standing: the
 * points earned in the window (net of points taken back by refunds, so buying and returning cannot
 * buy a tier) and the tier they hold now. A sale earns at the tier the customer holds BEFORE it;
 * its own points count towards the next one.
 */

export interface TierStanding {
  /** Points earned in the last `tiers.windowDays` days, minus points reversed from them. */
  tierPoints: number;
  /** The tier the customer holds now, or null; only the "never" downgrade policy reads it. */
  tierId: string | null;
}

/** The highest tier whose threshold the points reach, or null below the lowest. */
export function qualifiedTier(tiers: Tiers, tierPoints: number): Tier | null {
  let reached: Tier | null = null;
  for (const tier of tiers.levels) if (tierPoints >= tier.threshold) reached = tier;
  return reached;
}

/** The tier the customer earns at: the qualified one, or under "never" the held one if higher. */
export function tierFor(tiers: Tiers, standing: TierStanding): Tier | null {
  const qualified = qualifiedTier(tiers, standing.tierPoints);
  if (tiers.downgrade === 'rolling' || standing.tierId === null) return qualified;
  const heldIndex = tiers.levels.findIndex((tier) => tier.id === standing.tierId);
  const qualifiedIndex = qualified ? tiers.levels.indexOf(qualified) : -1;
  // A held tier the program no longer has is simply gone; the window decides.
  return heldIndex > qualifiedIndex ? tiers.levels[heldIndex]! : qualified;
}

export interface TierProgress {
  tier: Tier | null;
  /** The next tier up and the points still needed, or null at the top. */
  next: { tier: Tier; pointsToGo: number } | null;
}

export function tierProgress(tiers: Tiers, standing: TierStanding): TierProgress {
  const tier = tierFor(tiers, standing);
  const index = tier ? tiers.levels.indexOf(tier) : -1;
  const nextTier = tiers.levels[index + 1];
  return {
    tier,
    next: nextTier
      ? { tier: nextTier, pointsToGo: Math.max(0, nextTier.threshold - standing.tierPoints) }
      : null,
  };
}
