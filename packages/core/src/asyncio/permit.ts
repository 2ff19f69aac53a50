/**
 * A held permit whose `release()` gives it back once (later calls do nothing; `using` releases it
 * too). Wraps `giveBack` in a permit that gives back at most once, for `Semaphore`
 * and `SharedSemaphore` (and `using permit = ...`).
 *
 * @example
 * ```ts
 * const permit = permitOf(() => this.release());
 * permit.release(); permit.release(); // gives back once
 * ```
 */
export function permitOf(giveBack: () => void): { release(): void; [Symbol.dispose](): void } {
  let held = true;
  const release = () => {
    if (!held) return;
    held = false;
    giveBack();
  };
  return { release, [Symbol.dispose]: release };
}
