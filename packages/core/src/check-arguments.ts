// Internal helpers shared by the utilities: argument checks with messages
// that say what was expected and what was given, timers that go through the
// clock, and AbortSignal plumbing. Only describeValue, integerOption,
// durationOption and ownOptions are exported from the package (adapters validate with them).
import type { Clock, TimerHandle } from "./asyncio/clock.js";

/**
 * A short description of a value for error messages: `-1`, `"abc"`, `a function`, `an object`.
 *
 * @example
 * ```ts
 * import { describeValue } from "@offloop/core";
 * throw new TypeError(`Expected execArgv to be an array of strings, got ${describeValue(options.execArgv)}`);
 * ```
 */
export function describeValue(value: unknown): string {
  if (value === null) return "null";
  switch (typeof value) {
    case "string": return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value);
    case "number": return Object.is(value, -0) ? "-0" : String(value);
    case "boolean": case "undefined": return String(value);
    case "bigint": return `${value}n`;
    case "symbol": return value.toString();
    case "function": return `a function${value.name ? ` (${value.name})` : ""}`;
    default: return Array.isArray(value) ? "an array" : `an object${value.constructor && value.constructor !== Object ? ` (${value.constructor.name})` : ""}`;
  }
}

/** Throws when `value` is not a non-negative number or `Infinity` (a duration in ms). */
export function checkMs(name: string, value: unknown): number {
  if (typeof value !== "number") {
    throw new TypeError(`Expected ${name} to be a non-negative number or Infinity, got ${describeValue(value)}`);
  }
  if (!(value >= 0)) {
    throw new RangeError(`Expected ${name} to be a non-negative number or Infinity, got ${describeValue(value)}`);
  }
  return value;
}

/** Throws when `value` is given but is not an integer in `[min, Infinity)`, or Infinity when allowed. */
export function checkInteger(name: string, value: unknown, min: number, allowInfinity: boolean): number {
  const expected = `${min === 0 ? "a non-negative" : "a positive"} integer${allowInfinity ? " or Infinity" : ""}`;
  if (typeof value !== "number") throw new TypeError(`Expected ${name} to be ${expected}, got ${describeValue(value)}`);
  const ok = (Number.isInteger(value) || (allowInfinity && value === Infinity)) && value >= min;
  if (!ok) throw new RangeError(`Expected ${name} to be ${expected}, got ${describeValue(value)}`);
  return value;
}

/**
 * An optional integer option: `fallback` when undefined, else an integer of at
 * least `min` (or Infinity); anything else throws a TypeError/RangeError that
 * names the option.
 *
 * @example
 * ```ts
 * import { integerOption } from "@offloop/core";
 * const maxOldGenerationSizeMb = integerOption("resourceLimits.maxOldGenerationSizeMb", options.maxOldGenerationSizeMb, Infinity, 1);
 * ```
 */
export function integerOption(name: string, value: unknown, fallback: number, min: number): number {
  return value === undefined ? fallback : checkInteger(name, value, min, true);
}

/**
 * An optional duration in milliseconds: `fallback` when undefined, else a
 * non-negative number or Infinity; anything else throws, naming the option.
 *
 * @example
 * ```ts
 * import { durationOption } from "@offloop/core";
 * const killTimeout = durationOption("killTimeout", options.killTimeout, 5_000);
 * ```
 */
export function durationOption(name: string, value: unknown, fallback: number): number {
  return value === undefined ? fallback : checkMs(name, value);
}

/**
 * Checks an options bag and returns a copy of its own properties only (on a
 * null prototype), so that a polluted `Object.prototype` (say, an
 * `execArgv` or `env` someone set there) never reaches a worker. Throws
 * unless `value` is undefined or an object.
 *
 * @example
 * ```ts
 * import { ownOptions } from "@offloop/core";
 * const { execArgv, env } = ownOptions<MyOptions>(options, "options");
 * ```
 */
export function ownOptions<T extends object>(value: T | undefined, name = "options"): Partial<T> {
  if (value === undefined) return Object.create(null) as Partial<T>;
  if (typeof value !== "object" || value === null) {
    throw new TypeError(`Expected ${name} to be an object, got ${describeValue(value)}`);
  }
  return Object.assign(Object.create(null) as Partial<T>, value);
}

/** Throws unless `value` is undefined or an object (an options bag); returns its own properties only. */
export function checkOptions<T extends object>(value: T | undefined): Partial<T> {
  return ownOptions(value);
}

/** Throws unless `value` is undefined or an AbortSignal (checked structurally). */
export function checkSignal(value: unknown): AbortSignal | undefined {
  if (value === undefined) return undefined;
  const signal = value as Partial<AbortSignal> | null;
  if (typeof signal !== "object" || signal === null || typeof signal.aborted !== "boolean" || typeof signal.addEventListener !== "function") {
    throw new TypeError(`Expected signal to be an AbortSignal, got ${describeValue(value)}`);
  }
  return value as AbortSignal;
}

/** Throws unless `value` is undefined or a Clock. */
export function checkClock(value: unknown, fallback: Clock): Clock {
  if (value === undefined) return fallback;
  const clock = value as Partial<Clock> | null;
  if (typeof clock !== "object" || clock === null || typeof clock.now !== "function" || typeof clock.setTimeout !== "function" || typeof clock.clearTimeout !== "function") {
    throw new TypeError(`Expected clock to be a Clock (now, setTimeout, clearTimeout), got ${describeValue(value)}`);
  }
  return value as Clock;
}

/** Throws unless `value` is a function. */
export function checkFunction(name: string, value: unknown): void {
  if (typeof value !== "function") throw new TypeError(`Expected ${name} to be a function, got ${describeValue(value)}`);
}

/** Throws unless `value` is iterable; returns its items as an array. */
export function toArray(name: string, value: unknown): unknown[] {
  if (Array.isArray(value)) return value;
  if (typeof value === "string" || value == null || typeof (value as Iterable<unknown>)[Symbol.iterator] !== "function") {
    throw new TypeError(`Expected ${name} to be an array or an iterable, got ${describeValue(value)}`);
  }
  return [...(value as Iterable<unknown>)];
}

/** An awaitable that can be told to stop, such as the executor's `Future`. */
export interface Cancellable {
  cancel(reason?: unknown): boolean;
}

/** True for a thenable with a `cancel` method. */
export function isCancellable(value: unknown): value is PromiseLike<unknown> & Cancellable {
  return isThenable(value) && typeof (value as Partial<Cancellable>).cancel === "function";
}

/** True for anything with a `then` method. */
export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (typeof value === "object" || typeof value === "function") && value !== null && typeof (value as PromiseLike<unknown>).then === "function";
}

/** Runs `listener` once when `signal` aborts; returns a function that removes it. */
export function onAbort(signal: AbortSignal | undefined, listener: () => void): () => void {
  if (!signal) return () => {};
  signal.addEventListener("abort", listener, { once: true });
  return () => signal.removeEventListener("abort", listener);
}

/** Hosts clamp longer timeouts (and fire them at once), so long waits are chained. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Calls `callback` after `ms` on `clock`; `Infinity` never fires. Returns a
 * function that clears the timer.
 */
export function startTimer(clock: Clock, ms: number, callback: () => void, options?: { unref?: boolean }): () => void {
  if (ms === Infinity) return () => {};
  let handle: TimerHandle;
  let remaining = ms;
  const schedule = () => {
    const step = Math.min(remaining, MAX_TIMER_MS);
    remaining -= step;
    handle = clock.setTimeout(remaining > 0 ? schedule : callback, step, options);
  };
  schedule();
  return () => clock.clearTimeout(handle);
}
