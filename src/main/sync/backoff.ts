/**
 * Exponential backoff with full jitter (AWS architecture blog, "Exponential Backoff And Jitter"):
 * the n-th consecutive failure waits a uniformly random time in [0, min(cap, base · 2^n)), so a
 * fleet of tills that lost the server together does not come back together. `random` is injected
 * so tests are deterministic.
 */
export interface BackoffPolicy {
  baseMs: number;
  capMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 1_000, capMs: 300_000 };

export function backoffDelay(failures: number, policy: BackoffPolicy, random: () => number): number {
  if (failures <= 0) return 0;
  const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** Math.min(failures - 1, 30));
  // Never zero: a failing server must not be hammered in a tight loop by an unlucky draw.
  return Math.max(policy.baseMs / 10, Math.floor(random() * ceiling));
}

/** What a failed sync cycle needs to decide its wait (a SyncFailure's kind and detail). */
export interface FailureForRetry {
  kind: string;
  detail: { retryAfterMs?: number };
}

/**
 * How long to wait after the n-th consecutive failure. A 429's Retry-After is obeyed as sent; a
 * busy server's (503) is a floor under the jittered backoff, so a store's tills still come back
 * spread out; a refused token waits the longest, since only a person can mend it.
 */
export function retryDelay(
  failure: FailureForRetry,
  failures: number,
  policy: BackoffPolicy,
  random: () => number,
): number {
  if (failure.kind === 'rate_limited' && failure.detail.retryAfterMs) return failure.detail.retryAfterMs;
  if (failure.kind === 'auth') return policy.capMs;
  return Math.max(backoffDelay(failures, policy, random), failure.detail.retryAfterMs ?? 0);
}
