// node:assert/strict for the browser run: the subset the shared suites use, on vitest's expect.
// (The suites are written once for Node, Bun, Deno and Chromium; a browser has no node:assert.)
import { expect } from "vitest";

type Matcher = RegExp | (new (...args: any[]) => unknown) | ((error: any) => boolean) | Record<string, unknown>;

class AssertionError extends Error {
  override name = "AssertionError";
}

function check(condition: boolean, message: string | undefined, fallback: () => string): void {
  if (!condition) throw new AssertionError(message ?? fallback());
}

function ok(value: unknown, message?: string): asserts value {
  check(Boolean(value), message, () => `expected a truthy value, got ${String(value)}`);
}

function equal(actual: unknown, expected: unknown, message?: string): void {
  check(Object.is(actual, expected), message, () => `expected ${String(actual)} to equal ${String(expected)}`);
}

function notEqual(actual: unknown, expected: unknown, message?: string): void {
  check(!Object.is(actual, expected), message, () => `expected ${String(actual)} not to equal ${String(expected)}`);
}

function deepEqual(actual: unknown, expected: unknown, message?: string): void {
  try {
    expect(actual).toStrictEqual(expected);
  } catch (error) {
    throw new AssertionError(message ? `${message}: ${(error as Error).message}` : (error as Error).message);
  }
}

function notDeepEqual(actual: unknown, expected: unknown, message?: string): void {
  let same = true;
  try {
    expect(actual).toStrictEqual(expected);
  } catch {
    same = false;
  }
  check(!same, message, () => "expected the values to differ");
}

function match(value: string, pattern: RegExp, message?: string): void {
  check(typeof value === "string" && pattern.test(value), message, () => `expected ${JSON.stringify(value)} to match ${pattern}`);
}

function fail(message?: string): never {
  throw new AssertionError(message ?? "failed");
}

function matches(error: unknown, matcher: Matcher | undefined): boolean {
  if (matcher === undefined) return true;
  if (matcher instanceof RegExp) return matcher.test(String((error as Error)?.message ?? error)) || matcher.test(String(error));
  if (typeof matcher === "function") {
    if (matcher.prototype !== undefined && (matcher === Error || matcher.prototype instanceof Error)) return error instanceof (matcher as new () => Error);
    return (matcher as (error: unknown) => boolean)(error) === true;
  }
  return Object.entries(matcher).every(([key, value]) => {
    const actual = (error as Record<string, unknown>)?.[key];
    return value instanceof RegExp ? typeof actual === "string" && value.test(actual) : Object.is(actual, value);
  });
}

function throws(fn: () => unknown, matcher?: Matcher, message?: string): void {
  try {
    fn();
  } catch (error) {
    check(matches(error, matcher), message, () => `the thrown error did not match: ${String(error)}`);
    return;
  }
  fail(message ?? "expected the function to throw");
}

async function rejects(promiseOrFn: Promise<unknown> | (() => Promise<unknown>), matcher?: Matcher, message?: string): Promise<void> {
  try {
    await (typeof promiseOrFn === "function" ? promiseOrFn() : promiseOrFn);
  } catch (error) {
    check(matches(error, matcher), message, () => `the rejection did not match: ${String(error)}`);
    return;
  }
  fail(message ?? "expected a rejection");
}

const assert = Object.assign(ok, { ok, equal, strictEqual: equal, notEqual, notStrictEqual: notEqual, deepEqual, deepStrictEqual: deepEqual, notDeepEqual, notDeepStrictEqual: notDeepEqual, match, fail, throws, rejects, AssertionError });
(assert as typeof assert & { strict?: unknown }).strict = assert;
export default assert;
export { ok, equal, notEqual, deepEqual, notDeepEqual, match, fail, throws, rejects, AssertionError };
