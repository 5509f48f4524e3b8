/**
 * Waits on observable state, never on time: polls `condition` until it holds, and fails with
 * `what` when it has not within `timeoutMs`. The poll interval only bounds how soon a condition
 * that became true is noticed.
 */
export async function waitFor<T>(
  condition: () => T | Promise<T>,
  {
    timeoutMs = 30_000,
    what = 'condition',
    intervalMs = 25,
  }: { timeoutMs?: number; what?: string; intervalMs?: number } = {},
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await condition();
      if (value) return value as NonNullable<T>;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `Timed out after ${timeoutMs} ms waiting for ${what}${lastError ? ` (last error: ${String(lastError)})` : ''}`,
      );
    }
    await new Promise((done) => setTimeout(done, intervalMs));
  }
}
