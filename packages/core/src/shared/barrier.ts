import { checkSharedMemory, fromMarker, toMarker, type SharedMarker } from "./marker.js";
import { shared } from "./owners.js";
import { blockWhile, checkCount, deadlineOf, remaining, timedOut, waitWhile, type Deadline, type SharedWaitOptions } from "./wait.js";

// One word: the generation (how many times the barrier has opened, 11 bits) above the count of arrivals (20 bits).
const WORD = 0;
const PARTIES = 1;
const COUNT_BITS = 20;
const COUNT_MASK = (1 << COUNT_BITS) - 1;
const generation = (word: number) => word >>> COUNT_BITS;

/**
 * A barrier in shared memory for `parties` threads (Python's
 * `threading.Barrier`, `multithreading`'s `Barrier`): each caller of `wait()`
 * blocks until `parties` callers have arrived, then all go on, and the
 * barrier is ready for the next phase. In tasks call `wait()`; on the
 * calling thread `await waitAsync()`. A wait that times out or is aborted
 * withdraws its arrival.
 *
 * @example
 * ```ts
 * // tasks.ts: every worker finishes phase 1 before any starts phase 2
 * phases(barrier: Barrier, id: number) {
 *   stepOne(id);
 *   barrier.wait();
 *   stepTwo(id);
 * },
 * // main.ts
 * const barrier = new Barrier(3);
 * await Promise.all([0, 1, 2].map((id) => executor.submit(tasks.phases, barrier, id)));
 * ```
 */
export class Barrier {
  readonly #buffer: SharedArrayBuffer;
  readonly #state: Int32Array;

  /** `parties`: how many callers must arrive before the barrier opens (1 to 1,048,575). */
  constructor(parties: number) {
    checkSharedMemory("Barrier");
    const memory = takeAttaching();
    this.#buffer = memory ?? new SharedArrayBuffer(8);
    this.#state = new Int32Array(this.#buffer);
    if (!memory) this.#state[PARTIES] = checkCount("parties", parties, 1, COUNT_MASK);
    shared.inUse = true;
  }

  /** How many callers must arrive for the barrier to open. */
  get parties(): number {
    return this.#state[PARTIES]!;
  }

  /** How many callers are waiting now. */
  get waiting(): number {
    return Atomics.load(this.#state, WORD) & COUNT_MASK;
  }

  /**
   * Arrives and blocks this thread until every party has (for tasks).
   * Returns the arrival index, 0 to `parties - 1`, different for each caller
   * of a phase (the last to arrive gets `parties - 1`), as in Python. Throws
   * `TimeoutError` after `timeout` ms, having withdrawn.
   *
   * @example
   * ```ts
   * if (barrier.wait() === 0) console.log("first to arrive");
   * ```
   */
  wait(options?: SharedWaitOptions): number {
    const deadline = deadlineOf(options);
    const arrival = this.#arrive();
    if (arrival.opened) return arrival.index;
    for (;;) {
      const word = Atomics.load(this.#state, WORD);
      if (generation(word) !== arrival.generation) return arrival.index;
      if (remaining(deadline) === 0) return this.#giveUp(arrival, deadline);
      blockWhile(this.#state, WORD, word, deadline);
    }
  }

  /**
   * Arrives and waits without blocking the event loop (for the calling thread).
   *
   * @example
   * ```ts
   * await barrier.waitAsync({ signal: AbortSignal.timeout(10_000) });
   * ```
   */
  async waitAsync(options?: SharedWaitOptions): Promise<number> {
    const deadline = deadlineOf(options);
    const arrival = this.#arrive();
    if (arrival.opened) return arrival.index;
    for (;;) {
      const word = Atomics.load(this.#state, WORD);
      if (generation(word) !== arrival.generation) return arrival.index;
      if (remaining(deadline) === 0) return this.#giveUp(arrival, deadline);
      try {
        await waitWhile(this.#state, WORD, word, deadline);
      } catch (reason) {
        if (this.#withdraw(arrival.generation)) throw reason;
        return arrival.index; // it opened as the signal aborted: this caller got through
      }
    }
  }

  #arrive(): { index: number; generation: number; opened: boolean } {
    const parties = this.#state[PARTIES]!;
    for (;;) {
      const word = Atomics.load(this.#state, WORD);
      const count = word & COUNT_MASK;
      const opens = count + 1 === parties;
      const next = opens ? ((generation(word) + 1) & 0x7ff) << COUNT_BITS : word + 1;
      if (Atomics.compareExchange(this.#state, WORD, word, next) !== word) continue;
      if (opens) Atomics.notify(this.#state, WORD);
      return { index: count, generation: generation(word), opened: opens };
    }
  }

  #giveUp(arrival: { index: number; generation: number }, deadline: Deadline): number {
    if (this.#withdraw(arrival.generation)) throw timedOut("The barrier's opening", deadline);
    return arrival.index;
  }

  /** Takes back an arrival if the barrier has not opened since; false if it has. */
  #withdraw(arrivedIn: number): boolean {
    for (;;) {
      const word = Atomics.load(this.#state, WORD);
      if (generation(word) !== arrivedIn) return false;
      if (Atomics.compareExchange(this.#state, WORD, word, word - 1) === word) return true;
    }
  }

  /** @internal */
  [toMarker](): SharedMarker {
    return { $offloopShared: "Barrier", buffer: this.#buffer };
  }

  /** @internal */
  static [fromMarker](marker: SharedMarker): Barrier {
    attaching = marker.buffer;
    return new Barrier(1);
  }
}

let attaching: SharedArrayBuffer | undefined;
function takeAttaching(): SharedArrayBuffer | undefined {
  const buffer = attaching;
  attaching = undefined;
  return buffer;
}
