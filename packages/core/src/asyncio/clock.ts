/** A timer handle as the host returns it; only `unref` is ever called on it. */
export type TimerHandle = unknown;

/**
 * The one place where offloop reads time and sets timers, so that tests can
 * swap in a manual clock instead of sleeping.
 *
 * @example
 * ```ts
 * import { systemClock } from "@offloop/core";
 * const handle = systemClock.setTimeout(() => console.log("later"), 10);
 * systemClock.clearTimeout(handle);
 * ```
 */
export interface Clock {
  /** Milliseconds, monotonic. */
  now(): number;
  /** Calls `callback` after `ms`. With `unref`, the timer alone does not keep the process alive. */
  setTimeout(callback: () => void, ms: number, options?: { unref?: boolean }): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

type UnrefHook = (handle: TimerHandle) => void;
let unrefHook: UnrefHook = (handle) => (handle as { unref?: () => void } | null)?.unref?.();

/**
 * Teaches the system clock how to unref a timer on a host whose timer
 * handles have no `unref()` method (adapters call this; users never need to).
 *
 * @example
 * ```ts
 * setTimerUnref((id) => Deno.unrefTimer(id as number));
 * ```
 */
export function setTimerUnref(hook: UnrefHook): void {
  unrefHook = hook;
}

/**
 * The real clock: `performance.now()` and the host's timers.
 *
 * @example
 * ```ts
 * const started = systemClock.now();
 * ```
 */
export const systemClock: Clock = {
  now: () => performance.now(),
  setTimeout(callback, ms, options) {
    if (ms > MAX_HOST_TIMER_MS) return longTimer(callback, ms, options?.unref === true);
    const handle = globalThis.setTimeout(callback, ms);
    if (options?.unref) unrefHook(handle);
    return handle;
  },
  clearTimeout: (handle) => globalThis.clearTimeout((handle instanceof LongTimer ? handle.current : handle) as ReturnType<typeof setTimeout>),
};

/** Hosts fire a timer longer than this at once (Node warns "TimeoutOverflowWarning" and uses 1 ms). */
const MAX_HOST_TIMER_MS = 2 ** 31 - 1;

/** A timer beyond the host's range, chained from shorter ones; `Infinity` never fires. */
class LongTimer {
  current: unknown;
}

function longTimer(callback: () => void, ms: number, unref: boolean): LongTimer {
  const timer = new LongTimer();
  if (ms === Infinity) return timer;
  const schedule = (remaining: number) => {
    const step = Math.min(remaining, MAX_HOST_TIMER_MS);
    timer.current = globalThis.setTimeout(step === remaining ? callback : () => schedule(remaining - step), step);
    if (unref) unrefHook(timer.current);
  };
  schedule(ms);
  return timer;
}

/**
 * A clock for tests: time moves only when you call `advance(ms)`.
 *
 * @example
 * ```ts
 * const clock = manualClock();
 * let fired = false;
 * clock.setTimeout(() => { fired = true }, 100);
 * clock.advance(100); // fired === true
 * ```
 */
export function manualClock(start = 0): Clock & { advance(ms: number): void } {
  let time = start;
  let nextId = 1;
  const timers = new Map<number, { at: number; callback: () => void }>();
  return {
    now: () => time,
    setTimeout(callback, ms) {
      const id = nextId++;
      timers.set(id, { at: time + Math.max(0, ms), callback });
      return id;
    },
    clearTimeout: (handle) => void timers.delete(handle as number),
    advance(ms) {
      const end = time + ms;
      for (;;) {
        let nextTimer: [number, { at: number; callback: () => void }] | undefined;
        for (const entry of timers) if (entry[1].at <= end && (!nextTimer || entry[1].at < nextTimer[1].at)) nextTimer = entry;
        if (!nextTimer) break;
        timers.delete(nextTimer[0]);
        time = nextTimer[1].at;
        nextTimer[1].callback();
      }
      time = end;
    },
  };
}
