import { permitOf } from "./permit.js";
import { checkFunction, checkInteger, checkOptions, checkSignal, onAbort } from "../check-arguments.js";

/**
 * One acquired permit. `release()` (or leaving an `await using` block)
 * gives it back; releasing the same permit twice releases it once.
 */
export interface Permit extends Disposable {
  release(): void;
}

/** Options of {@link Semaphore.acquire} and {@link Semaphore.use}. */
export interface AcquireOptions {
  /** Aborting it while waiting removes the waiter and rejects with `signal.reason`. */
  signal?: AbortSignal;
}

interface Waiter {
  resolve(permit: Permit): void;
}

/**
 * A counter of permits, like Python's `asyncio.Semaphore`: `acquire()` waits
 * while none is available, and waiters are served first come, first served.
 * `release()` may raise the count above its start value; use
 * `BoundedSemaphore` to forbid that.
 *
 * @example
 * ```ts
 * import { Semaphore } from "@offloop/core";
 * const sem = new Semaphore(3);
 * await Promise.all(urls.map((url) => sem.use(() => fetch(url)))); // at most 3 at once
 * {
 *   await using permit = await sem.acquire();
 *   // ... at most 3 callers are here at once; the permit is released on leaving the block
 * }
 * ```
 */
export class Semaphore {
  #available: number;
  readonly #waiters = new Set<Waiter>();

  /** `permits` is how many holders may be inside at once (Python's `value`, default 1). */
  constructor(permits = 1) {
    this.#available = checkInteger("permits", permits, 0, false);
  }

  /** How many permits can be taken right now without waiting. */
  get available(): number {
    return this.#available;
  }

  /** True when `acquire()` would wait (no permit available). */
  get locked(): boolean {
    return this.#available === 0;
  }

  /**
   * Takes a permit, waiting in FIFO order while none is available. Aborting
   * `signal` while waiting rejects with `signal.reason` and no permit is taken.
   */
  acquire(options?: AcquireOptions): Promise<Permit> {
    const signal = checkSignal(checkOptions(options).signal);
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.#available > 0) {
      this.#available--;
      return Promise.resolve(this.#permit());
    }
    return new Promise<Permit>((resolve, reject) => {
      const waiter: Waiter = {
        resolve: (permit) => {
          removeAbort();
          resolve(permit);
        },
      };
      const removeAbort = onAbort(signal, () => {
        this.#waiters.delete(waiter);
        reject(signal!.reason);
      });
      this.#waiters.add(waiter);
    });
  }

  /** Gives a permit back: the longest waiter gets it, or the count goes up. */
  release(): void {
    const next = this.#waiters.values().next();
    if (next.done) {
      this.#available++;
    } else {
      this.#waiters.delete(next.value);
      next.value.resolve(this.#permit());
    }
  }

  /**
   * Runs `fn` holding a permit and releases it however `fn` ends.
   *
   * @example
   * ```ts
   * const rows = await sem.use(() => db.query("select 1"), { signal });
   * ```
   */
  use<T>(fn: () => T | PromiseLike<T>, options?: AcquireOptions): Promise<Awaited<T>> {
    checkFunction("fn", fn);
    return this.acquire(options).then(async (permit): Promise<Awaited<T>> => {
      try {
        return await fn();
      } finally {
        permit.release();
      }
    });
  }

  #permit(): Permit {
    return permitOf(() => this.release());
  }
}

/**
 * A `Semaphore` that throws a `RangeError` when released more times than it
 * was acquired, like Python's `asyncio.BoundedSemaphore`; it catches
 * release-twice bugs.
 *
 * @example
 * ```ts
 * import { BoundedSemaphore } from "@offloop/core";
 * const sem = new BoundedSemaphore(1);
 * await sem.acquire();
 * sem.release();
 * sem.release(); // RangeError: BoundedSemaphore released too many times ...
 * ```
 */
export class BoundedSemaphore extends Semaphore {
  readonly #limit: number;

  constructor(permits = 1) {
    super(permits);
    this.#limit = permits;
  }

  /** Gives a permit back; throws a `RangeError` if that would exceed the starting count. */
  override release(): void {
    if (this.available >= this.#limit) {
      throw new RangeError(`BoundedSemaphore released too many times: expected at most ${this.#limit} available permits, got ${this.available + 1}`);
    }
    super.release();
  }
}
