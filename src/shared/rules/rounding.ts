/**
 * THE rounding rule of the loyalty program, stated once:
 *
 *   Points are whole numbers, always rounded DOWN, once, on the exact total.
 *
 * Every rate is an integer (points per currency unit, percent multipliers such as 150 = 1.5×), so
 * every exact amount of points is a fraction numerator ÷ denominator of integers. We multiply all
 * the way first and divide last, in BigInt so that no product can lose precision (a 999,999,999
 * minor-unit sale × 1000 points × 10,000 % × 10,000 % is far beyond 2^53). Floats never appear.
 *
 * When a total has parts (explanation lines, sale lines, partial refunds) each part gets the
 * difference of rounded-down running totals ("cumulative floor"): the parts are never negative and
 * always add up to exactly the rounded-down total, so nothing is lost or invented by rounding
 * a part on its own.
 */

/** floor(numerator ÷ denominator) for a non-negative numerator and a positive denominator. */
export function floorDiv(numerator: bigint, denominator: bigint): bigint {
  if (denominator <= 0n) throw new RangeError('A denominator must be positive.');
  if (numerator < 0n) throw new RangeError('Points are computed from non-negative amounts only.');
  return numerator / denominator; // BigInt division truncates, which is floor for non-negatives.
}

/** Whole points of an exact amount numerator ÷ denominator, rounded down. */
export function wholePoints(numerator: bigint, denominator: bigint): number {
  return toSafeNumber(floorDiv(numerator, denominator));
}

/** floor(whole × part ÷ of): the share of `whole` that `part` out of `of` carries. */
export function proportionalShare(whole: number, part: number, of: number): number {
  if (of <= 0) throw new RangeError('A share must be taken of a positive amount.');
  if (part >= of) return whole;
  return wholePoints(BigInt(whole) * BigInt(part), BigInt(of));
}

/**
 * Splits floor(Σ exact ÷ denominator) into one whole part per exact numerator, by cumulative floor:
 * part k = floor(running sum to k) − floor(running sum before k). The parts add up exactly.
 */
export function splitByCumulativeFloor(exact: readonly bigint[], denominator: bigint): number[] {
  let running = 0n;
  let roundedBefore = 0n;
  return exact.map((numerator) => {
    running += numerator;
    const rounded = floorDiv(running, denominator);
    const part = rounded - roundedBefore;
    roundedBefore = rounded;
    return toSafeNumber(part);
  });
}

function toSafeNumber(value: bigint): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new RangeError('Points exceed the safe integer range.');
  return Number(value);
}
