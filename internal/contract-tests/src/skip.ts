import { describe, it } from "vitest";

/** A reason to skip a test (a string), or `false`/`undefined` to run it. */
export type SkipReason = string | false | null | undefined;

/**
 * `it` when `reason` is falsy; otherwise `it.skip`, with the reason in the test's name, so a
 * skipped test says why in every reporter (vitest's `skip` option takes no reason).
 */
export function itOrSkip(reason: SkipReason): typeof it {
  if (!reason) return it;
  const skip = ((name: string, ...rest: unknown[]) => (it.skip as (...args: unknown[]) => void)(`${name} [skipped: ${reason}]`, ...rest)) as unknown as typeof it;
  return skip;
}

/** `describe`, or `describe.skip` with the reason in the suite's name. */
export function describeOrSkip(reason: SkipReason): typeof describe {
  if (!reason) return describe;
  return ((name: string, ...rest: unknown[]) => (describe.skip as (...args: unknown[]) => void)(`${name} [skipped: ${reason}]`, ...rest)) as unknown as typeof describe;
}
