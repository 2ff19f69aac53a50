import { systemClock, type Clock } from "./clock.js";
import { checkClock, checkFunction, checkMs, checkOptions, describeValue, startTimer } from "../check-arguments.js";

/** What {@link watchEventLoop} reports about one block. */
export interface EventLoopBlock {
  /** At least this many milliseconds, the event loop could not run timers. */
  duration: number;
}

/** Options of {@link watchEventLoop}. */
export interface WatchEventLoopOptions {
  /** Report blocks longer than this many milliseconds. Default 100. */
  threshold?: number;
  /** Called after each block longer than `threshold`. */
  onBlock: (block: EventLoopBlock) => void;
  /** Where time comes from; tests pass a fake clock. Default `systemClock`. */
  clock?: Clock;
}

/**
 * Reports when the event loop was blocked longer than `threshold` ms, like
 * asyncio's debug-mode slow-callback warning, so that you find the work to
 * offload. It checks with an unref'd timer (it never keeps the process
 * alive) and returns a function that stops it. It can tell how long the
 * loop was blocked, not what was running: use a profiler (`node --cpu-prof`)
 * for that.
 *
 * @example
 * ```ts
 * import { watchEventLoop } from "@offloop/core";
 * const stop = watchEventLoop({ threshold: 50, onBlock: ({ duration }) => console.warn(`event loop blocked for ${duration} ms`) });
 * // ... later
 * stop();
 * ```
 */
export function watchEventLoop(options: WatchEventLoopOptions): () => void {
  if (typeof options !== "object" || options === null) {
    throw new TypeError(`Expected options to be an object with an onBlock function, got ${describeValue(options)}`);
  }
  const { threshold = 100, onBlock, clock: rawClock } = checkOptions(options);
  checkMs("threshold", threshold);
  if (threshold === 0 || threshold === Infinity) {
    throw new RangeError(`Expected threshold to be a positive finite number, got ${describeValue(threshold)}`);
  }
  checkFunction("onBlock", onBlock);
  const clock = checkClock(rawClock, systemClock);
  // Checking several times per threshold keeps the reported duration close to the real one.
  const interval = Math.min(Math.max(threshold / 4, 1), 100);
  let stopped = false;
  let stopTimer = () => {};
  const tick = (scheduledAt: number) => {
    if (stopped) return;
    const now = clock.now();
    schedule(now);
    const late = now - scheduledAt - interval;
    if (late > threshold) onBlock!({ duration: Math.round(late) });
  };
  const schedule = (from: number) => {
    stopTimer = startTimer(clock, interval, () => tick(from), { unref: true });
  };
  schedule(clock.now());
  return () => {
    stopped = true;
    stopTimer();
  };
}
