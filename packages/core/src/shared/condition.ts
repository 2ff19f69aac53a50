import { checkSharedMemory, fromMarker, toMarker, type SharedMarker } from "./marker.js";
import { guardOf, relock, Mutex, type GuardInternals, type MutexGuard } from "./mutex.js";
import { shared } from "./owners.js";
import { blockWhile, checkCount, deadlineOf, waitWhile, type SharedWaitOptions } from "./wait.js";

/**
 * A condition variable in shared memory, bound to a `Mutex` (Python's
 * `threading.Condition`, `multithreading`'s `Condvar`): a holder of the
 * mutex waits until another thread changes the protected state and calls
 * `notify()`. `wait(guard)` unlocks the mutex, sleeps, and locks it again
 * before it returns; wake-ups may be spurious, so wait in a loop that
 * checks the state.
 *
 * @example
 * ```ts
 * // in a task: wait until the caller has published a job
 * using guard = ready.mutex.lock();
 * while (Atomics.load(flag, 0) === 0) ready.wait(guard);
 * // on the calling thread
 * { using guard = await ready.mutex.lockAsync(); Atomics.store(flag, 0, 1); ready.notifyAll(); }
 * ```
 */
export class Condition {
  /** The mutex that `wait` releases and takes again. */
  readonly mutex: Mutex;
  readonly #buffer: SharedArrayBuffer;
  readonly #state: Int32Array;

  /** Binds the condition to `mutex` (a new one by default). */
  constructor(mutex: Mutex = new Mutex()) {
    checkSharedMemory("Condition");
    if (!(mutex instanceof Mutex)) throw new TypeError("Expected mutex to be a Mutex from offloop/shared");
    this.mutex = mutex;
    this.#buffer = takeAttaching() ?? new SharedArrayBuffer(4);
    this.#state = new Int32Array(this.#buffer);
    shared.inUse = true;
  }

  /**
   * Unlocks `guard`'s mutex, blocks until notified (for tasks), then locks it
   * again. Returns false when `timeout` ran out first (Python's semantics).
   *
   * @example
   * ```ts
   * using guard = condition.mutex.lock();
   * while (!ready()) condition.wait(guard, { timeout: 1000 });
   * ```
   */
  wait(guard: MutexGuard, options?: SharedWaitOptions): boolean {
    const deadline = deadlineOf(options);
    const held = this.#check(guard);
    const seen = Atomics.load(this.#state, 0);
    guard.unlock();
    try {
      blockWhile(this.#state, 0, seen, deadline);
    } finally {
      held[relock](false);
    }
    return Atomics.load(this.#state, 0) !== seen;
  }

  /**
   * Like `wait`, without blocking the event loop (for the calling thread).
   * The mutex is locked again even when the signal aborts.
   *
   * @example
   * ```ts
   * using guard = await condition.mutex.lockAsync();
   * while (!ready()) await condition.waitAsync(guard);
   * ```
   */
  async waitAsync(guard: MutexGuard, options?: SharedWaitOptions): Promise<boolean> {
    const deadline = deadlineOf(options);
    const held = this.#check(guard);
    const seen = Atomics.load(this.#state, 0);
    guard.unlock();
    try {
      await waitWhile(this.#state, 0, seen, deadline);
    } finally {
      await held[relock](true);
    }
    return Atomics.load(this.#state, 0) !== seen;
  }

  /**
   * Wakes up to `n` waiters (default 1).
   *
   * @example
   * ```ts
   * condition.notify();
   * ```
   */
  notify(n = 1): void {
    checkCount("n", n, 0, 0x7fffffff);
    Atomics.add(this.#state, 0, 1);
    Atomics.notify(this.#state, 0, n);
  }

  /**
   * Wakes every waiter.
   *
   * @example
   * ```ts
   * condition.notifyAll();
   * ```
   */
  notifyAll(): void {
    Atomics.add(this.#state, 0, 1);
    Atomics.notify(this.#state, 0);
  }

  #check(guard: MutexGuard): MutexGuard & GuardInternals {
    const held = guard as MutexGuard & Partial<GuardInternals>;
    if (typeof held !== "object" || held === null || !(guardOf in held)) throw new TypeError("Expected guard to be what condition.mutex.lock() returned");
    if (held[guardOf] !== this.mutex) throw new TypeError("The guard is of another mutex than condition.mutex");
    if (!held.held) throw new TypeError("The guard was already unlocked: wait() needs the mutex held");
    return held as MutexGuard & GuardInternals;
  }

  /** @internal */
  [toMarker](): SharedMarker {
    return { $offloopShared: "Condition", buffer: this.#buffer, mutex: this.mutex[toMarker]() };
  }

  /** @internal */
  static [fromMarker](marker: SharedMarker, mutex: Mutex): Condition {
    attaching = marker.buffer;
    return new Condition(mutex);
  }
}

let attaching: SharedArrayBuffer | undefined;
function takeAttaching(): SharedArrayBuffer | undefined {
  const buffer = attaching;
  attaching = undefined;
  return buffer;
}
