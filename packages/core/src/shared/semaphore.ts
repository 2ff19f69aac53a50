import { permitOf } from "../asyncio/permit.js";
import { checkSharedMemory, fromMarker, toMarker, type SharedMarker } from "./marker.js";
import { shared } from "./owners.js";
import { blockWhile, checkCount, deadlineOf, remaining, timedOut, waitWhile, type SharedWaitOptions } from "./wait.js";

/** One permit of a `SharedSemaphore`: `release()` (or leaving a `using` block) gives it back, once. */
export interface SharedPermit extends Disposable {
  release(): void;
}

/**
 * A counting semaphore in shared memory, for tasks on worker threads and the
 * calling thread (Python's `threading.Semaphore`, `multithreading`'s
 * `Semaphore`); core's `Semaphore` is the asyncio one for a single thread.
 * In a task `acquire()` blocks; on the calling thread `acquireAsync()` does
 * not block the event loop. Permits are not owned: a worker that dies
 * holding one does not give it back.
 *
 * @example
 * ```ts
 * import { SharedSemaphore } from "offloop/shared";
 * const connections = new SharedSemaphore(2);
 * // in a task: at most two tasks talk to the device at once
 * using permit = connections.acquire();
 * ```
 */
export class SharedSemaphore {
  readonly #buffer: SharedArrayBuffer;
  readonly #state: Int32Array;

  /** `permits`: how many holders may be inside at once (default 1). */
  constructor(permits = 1) {
    checkSharedMemory("SharedSemaphore");
    const memory = takeAttaching();
    this.#buffer = memory ?? new SharedArrayBuffer(4);
    this.#state = new Int32Array(this.#buffer);
    if (!memory) this.#state[0] = checkCount("permits", permits, 0, 0x7fffffff);
    shared.inUse = true;
  }

  /** How many permits can be taken right now. */
  get available(): number {
    return Atomics.load(this.#state, 0);
  }

  /**
   * Takes a permit, blocking this thread while none is free (for tasks).
   * Throws `TimeoutError` after `timeout` ms.
   *
   * @example
   * ```ts
   * using permit = semaphore.acquire({ timeout: 1000 });
   * ```
   */
  acquire(options?: SharedWaitOptions): SharedPermit {
    const deadline = deadlineOf(options);
    for (;;) {
      if (this.#attempt()) return this.#permit();
      if (remaining(deadline) === 0) throw timedOut("Taking a permit", deadline);
      blockWhile(this.#state, 0, 0, deadline);
    }
  }

  /**
   * Takes a permit without blocking the event loop (for the calling thread).
   *
   * @example
   * ```ts
   * using permit = await semaphore.acquireAsync({ signal });
   * ```
   */
  async acquireAsync(options?: SharedWaitOptions): Promise<SharedPermit> {
    const deadline = deadlineOf(options);
    for (;;) {
      if (this.#attempt()) return this.#permit();
      if (remaining(deadline) === 0) throw timedOut("Taking a permit", deadline);
      await waitWhile(this.#state, 0, 0, deadline);
    }
  }

  /**
   * Takes a permit if one is free, else returns undefined at once.
   *
   * @example
   * ```ts
   * const permit = semaphore.tryAcquire();
   * if (!permit) return "busy";
   * ```
   */
  tryAcquire(): SharedPermit | undefined {
    return this.#attempt() ? this.#permit() : undefined;
  }

  /**
   * Adds a permit (as `permit.release()` does) and wakes one waiter.
   *
   * @example
   * ```ts
   * const gate = new SharedSemaphore(0);
   * gate.release(); // lets one waiting task through
   * ```
   */
  release(): void {
    Atomics.add(this.#state, 0, 1);
    Atomics.notify(this.#state, 0, 1);
  }

  #attempt(): boolean {
    for (;;) {
      const available = Atomics.load(this.#state, 0);
      if (available <= 0) return false;
      if (Atomics.compareExchange(this.#state, 0, available, available - 1) === available) return true;
    }
  }

  #permit(): SharedPermit {
    return permitOf(() => this.release());
  }

  /** @internal */
  [toMarker](): SharedMarker {
    return { $offloopShared: "SharedSemaphore", buffer: this.#buffer };
  }

  /** @internal */
  static [fromMarker](marker: SharedMarker): SharedSemaphore {
    attaching = marker.buffer;
    return new SharedSemaphore();
  }
}

let attaching: SharedArrayBuffer | undefined;
function takeAttaching(): SharedArrayBuffer | undefined {
  const buffer = attaching;
  attaching = undefined;
  return buffer;
}
