import { MutexPoisonedError } from "../errors.js";
import { HOLDER, POISONED, shared, trackMutex } from "./owners.js";
import { checkSharedMemory, fromMarker, toMarker, type SharedMarker } from "./marker.js";
import { blockWhile, deadlineOf, remaining, timedOut, waitWhile, type SharedWaitOptions } from "./wait.js";

/**
 * A held `Mutex`. `unlock()` (or leaving a `using` block) releases it;
 * unlocking the same guard twice unlocks once.
 */
export interface MutexGuard extends Disposable {
  unlock(): void;
  /** True until `unlock()`. */
  readonly held: boolean;
}

/**
 * A mutual-exclusion lock in shared memory, for tasks on worker threads and
 * the thread that submits them (`multithreading`'s `Mutex`, Python's
 * `threading.Lock`). Pass it to tasks as an argument; in a task `lock()`
 * blocks the worker (Atomics.wait), on the calling thread `lockAsync()` waits
 * without blocking the event loop. If a worker dies while it holds the mutex,
 * the pool poisons it: waiting and later `lock()` calls throw
 * `MutexPoisonedError` instead of deadlocking.
 *
 * @example
 * ```ts
 * // tasks.ts
 * import { defineTasks } from "offloop";
 * import type { Mutex } from "offloop/shared";
 * export default defineTasks(import.meta.url, {
 *   add(mutex: Mutex, total: Int32Array, n: number) {
 *     for (let i = 0; i < n; i++) {
 *       using guard = mutex.lock();
 *       total[0] += 1; // a plain read-modify-write, safe under the lock
 *     }
 *   },
 * });
 * // main.ts
 * const mutex = new Mutex();
 * const total = new Int32Array(new SharedArrayBuffer(4));
 * await Promise.all([1, 2, 3, 4].map(() => executor.submit(tasks.add, mutex, total, 1000)));
 * total[0]; // 4000
 * ```
 */
export class Mutex {
  readonly #buffer: SharedArrayBuffer;
  readonly #state: Int32Array;

  constructor() {
    checkSharedMemory("Mutex");
    this.#buffer = takeAttaching() ?? new SharedArrayBuffer(8);
    this.#state = new Int32Array(this.#buffer);
    trackMutex(this.#buffer);
  }

  /** True while some thread holds the mutex. */
  get locked(): boolean {
    return Atomics.load(this.#state, HOLDER) !== 0;
  }

  /** True once a worker died holding the mutex (until `clearPoison()`). */
  get poisoned(): boolean {
    return Atomics.load(this.#state, POISONED) !== 0;
  }

  /**
   * Takes the mutex, blocking this thread until it is free: for tasks on
   * worker threads (on the calling thread it would freeze the event loop; use
   * `lockAsync`). Throws `TimeoutError` after `timeout` ms and
   * `MutexPoisonedError` if a holder died.
   *
   * @example
   * ```ts
   * using guard = mutex.lock({ timeout: 5_000 });
   * ```
   */
  lock(options?: SharedWaitOptions): MutexGuard {
    const deadline = deadlineOf(options);
    for (;;) {
      if (this.#attempt()) return this.#guard();
      if (remaining(deadline) === 0) throw timedOut("Taking the mutex", deadline);
      const holder = Atomics.load(this.#state, HOLDER);
      if (holder !== 0) blockWhile(this.#state, HOLDER, holder, deadline);
    }
  }

  /**
   * Takes the mutex without blocking the event loop (Atomics.waitAsync, or
   * polling where the host lacks it): for the calling thread, or async tasks.
   * Rejects with `TimeoutError`, the signal's reason, or `MutexPoisonedError`.
   *
   * @example
   * ```ts
   * using guard = await mutex.lockAsync({ signal });
   * ```
   */
  async lockAsync(options?: SharedWaitOptions): Promise<MutexGuard> {
    const deadline = deadlineOf(options);
    for (;;) {
      if (this.#attempt()) return this.#guard();
      if (remaining(deadline) === 0) throw timedOut("Taking the mutex", deadline);
      const holder = Atomics.load(this.#state, HOLDER);
      if (holder !== 0) await waitWhile(this.#state, HOLDER, holder, deadline);
    }
  }

  /**
   * Takes the mutex if it is free, else returns undefined at once. Throws
   * `MutexPoisonedError` if a holder died.
   *
   * @example
   * ```ts
   * const guard = mutex.tryLock();
   * if (guard) try { flush() } finally { guard.unlock() }
   * ```
   */
  tryLock(): MutexGuard | undefined {
    return this.#attempt() ? this.#guard() : undefined;
  }

  /**
   * Accepts what a dead holder left behind: the mutex works again.
   *
   * @example
   * ```ts
   * if (mutex.poisoned) { repair(state); mutex.clearPoison() }
   * ```
   */
  clearPoison(): void {
    Atomics.store(this.#state, POISONED, 0);
  }

  #attempt(): boolean {
    const state = this.#state;
    if (Atomics.load(state, POISONED) !== 0) throw poisonedError();
    if (Atomics.compareExchange(state, HOLDER, 0, shared.owner) !== 0) return false;
    if (Atomics.load(state, POISONED) !== 0) {
      this.#unlock();
      throw poisonedError();
    }
    return true;
  }

  #unlock(): void {
    Atomics.store(this.#state, HOLDER, 0);
    Atomics.notify(this.#state, HOLDER, 1);
  }

  #guard(): MutexGuard {
    let held = true;
    const unlock = () => {
      if (!held) return;
      held = false;
      this.#unlock();
    };
    const guard: MutexGuard & GuardInternals = {
      unlock,
      [Symbol.dispose]: unlock,
      get held() {
        return held;
      },
      [guardOf]: this,
      // Takes the mutex again for this same guard (the fresh guard is dropped: the lock word is what counts).
      [relock]: (async) => {
        if (!async) {
          this.lock();
          held = true;
          return undefined;
        }
        return this.lockAsync().then(() => {
          held = true;
        });
      },
    };
    return guard;
  }

  /** @internal The marker this mutex travels as. */
  [toMarker](): SharedMarker {
    return { $offloopShared: "Mutex", buffer: this.#buffer };
  }

  /** @internal A working mutex on memory that came from another thread. */
  static [fromMarker](marker: SharedMarker): Mutex {
    attaching = marker.buffer;
    return new Mutex();
  }
}

let attaching: SharedArrayBuffer | undefined;
function takeAttaching(): SharedArrayBuffer | undefined {
  const buffer = attaching;
  attaching = undefined;
  return buffer;
}

/** What a Condition needs of a guard: its mutex, and a way to take the mutex again for the same guard. */
export const guardOf: unique symbol = Symbol("offloop.shared.guardOf") as never;
export const relock: unique symbol = Symbol("offloop.shared.relock") as never;
export interface GuardInternals {
  readonly [guardOf]: Mutex;
  [relock](async: boolean): Promise<void> | undefined;
}

function poisonedError(): MutexPoisonedError {
  return new MutexPoisonedError("A worker died while it held this Mutex, so what it protects may be half-updated. Call mutex.clearPoison() once the state is repaired (or known to be fine).");
}
