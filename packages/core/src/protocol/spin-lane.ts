/**
 * The spin lane: a few hundred bytes of shared memory per worker through
 * which a spinning caller (`callerSpinMicroseconds`) hands a lone task to a
 * spinning worker (`spinMicroseconds`) and gets its result back with no
 * message at all. Only small values travel here (undefined, null, booleans,
 * numbers, strings of at most LANE_STRING_UNITS code units, a task with no
 * argument or one such argument); everything else, errors included, goes by
 * port as ever.
 *
 * Every hand-off has exactly one owner, decided by compare-and-swap on one
 * state word, so that a side that stops watching (its spin ran out) or dies
 * never loses a task or a result:
 *
 * ```text
 *  IDLE ──worker: listen──▶ LISTENING ──pool: offer──▶ WRITING ──▶ TASK ──worker: take──▶ RUNNING
 *    ▲  ◀──worker: stop listening──┘                                │ pool: stop watching    │ pool: stop watching
 *    │                                                              ▼                        ▼
 *    │                                                         TASK_UNWATCHED ──take──▶ RUNNING_UNWATCHED
 *    │                                                                                       │ (the result goes by port)
 *    ├──────────── worker: result by port (error, large value, unwatched) ◀──────────────────┘
 *    └──────────── pool: takes the result ◀── DONE ◀──worker: answer (RUNNING only)
 * ```
 *
 * A worker that dies leaves TASK (never taken up: the pool's exit accounting
 * re-queues it), RUNNING (taken up: it crashed) or DONE (the pool still takes
 * the result) behind; the pool's normal exit handling settles the task.
 */

/**
 * The state word's values (see the diagram above).
 *
 * @example
 * ```ts
 * new SpinLane(new SharedArrayBuffer(LANE_BYTES)).state === LaneState.IDLE; // true
 * ```
 */
export const LaneState = {
  IDLE: 0,
  LISTENING: 1,
  WRITING: 2,
  TASK: 3,
  RUNNING: 4,
  DONE: 5,
  TASK_UNWATCHED: 6,
  RUNNING_UNWATCHED: 7,
} as const;

/**
 * The longest string that travels in the lane, in UTF-16 code units.
 *
 * @example
 * ```ts
 * fitsLane("x".repeat(LANE_STRING_UNITS + 1)); // false: it goes by port
 * ```
 */
export const LANE_STRING_UNITS = 128;

// Layout: Int32 words, then two Float64 numbers, then two string areas (task argument, result).
const STATE = 0;
const TASK_ID = 1;
const FN_ID = 2;
const ARG_KIND = 3;
const ARG_LENGTH = 4;
const RESULT_KIND = 5;
const RESULT_LENGTH = 6;
const WORDS = 8;
const NUMBERS_OFFSET = WORDS * 4;
const ARG_NUMBER = 0;
const RESULT_NUMBER = 1;
const STRINGS_OFFSET = NUMBERS_OFFSET + 2 * 8;
const STRING_BYTES = LANE_STRING_UNITS * 2;
/**
 * Bytes of one lane.
 *
 * @example
 * ```ts
 * const lane = new SpinLane(new SharedArrayBuffer(LANE_BYTES));
 * ```
 */
export const LANE_BYTES = STRINGS_OFFSET + 2 * STRING_BYTES;

// How a small value is written: its kind, then its number or string, if any.
const NO_VALUE = 0;
const UNDEFINED = 1;
const NULL = 2;
const FALSE = 3;
const TRUE = 4;
const NUMBER = 5;
const STRING = 6;

/**
 * Whether a value is small enough for the lane: undefined, null, a boolean,
 * a number or a string of at most LANE_STRING_UNITS code units.
 *
 * @example
 * ```ts
 * fitsLane(42); // true
 * fitsLane({ id: 1 }); // false: it goes by port
 * ```
 */
export function fitsLane(value: unknown): boolean {
  const type = typeof value;
  return type === "number" || type === "boolean" || value === undefined || value === null || (type === "string" && (value as string).length <= LANE_STRING_UNITS);
}

/** A task as the worker takes it from the lane. */
export interface LaneTask {
  taskId: number;
  fnId: number;
  args: unknown[];
}

/**
 * One worker's lane, as either side sees it (both wrap the same
 * SharedArrayBuffer, which travels in the pool's hello).
 *
 * @example
 * ```ts
 * // pool side
 * const lane = new SpinLane(new SharedArrayBuffer(LANE_BYTES));
 * if (lane.offer(7, 1, true, 41)) while (!lane.hasResult()) {}
 * lane.takeResult(); // 42, when the worker's task was (n) => n + 1
 * ```
 */
export class SpinLane {
  readonly buffer: SharedArrayBuffer;
  readonly #words: Int32Array;
  readonly #numbers: Float64Array;
  readonly #argUnits: Uint16Array;
  readonly #resultUnits: Uint16Array;

  constructor(buffer: SharedArrayBuffer) {
    if (buffer.byteLength < LANE_BYTES) throw new RangeError(`offloop: a spin lane needs ${LANE_BYTES} bytes, got ${buffer.byteLength}`);
    this.buffer = buffer;
    this.#words = new Int32Array(buffer, 0, WORDS);
    this.#numbers = new Float64Array(buffer, NUMBERS_OFFSET, 2);
    this.#argUnits = new Uint16Array(buffer, STRINGS_OFFSET, LANE_STRING_UNITS);
    this.#resultUnits = new Uint16Array(buffer, STRINGS_OFFSET + STRING_BYTES, LANE_STRING_UNITS);
  }

  /** The state word now (LaneState). */
  get state(): number {
    return Atomics.load(this.#words, STATE);
  }

  #swap(from: number, to: number): boolean {
    return Atomics.compareExchange(this.#words, STATE, from, to) === from;
  }

  // ---- pool side ----

  /**
   * Hands a task to the worker if it is listening and the argument fits;
   * false (nothing written) otherwise: send it by port.
   */
  offer(taskId: number, fnId: number, hasArg: boolean, arg: unknown): boolean {
    if (hasArg && !fitsLane(arg)) return false;
    if (!this.#swap(LaneState.LISTENING, LaneState.WRITING)) return false;
    const words = this.#words;
    words[TASK_ID] = taskId;
    words[FN_ID] = fnId;
    words[ARG_KIND] = hasArg ? this.#write(arg, ARG_NUMBER, this.#argUnits, ARG_LENGTH) : NO_VALUE;
    Atomics.store(words, STATE, LaneState.TASK);
    return true;
  }

  /** Whether the worker's answer waits to be taken (takeResult). */
  hasResult(): boolean {
    return Atomics.load(this.#words, STATE) === LaneState.DONE;
  }

  /** The task id of the task in the lane (valid from `offer` until the lane is idle again). */
  get taskId(): number {
    return this.#words[TASK_ID]!;
  }

  /** Reads the worker's answer and frees the lane for the next task. Call only after hasResult(). */
  takeResult(): unknown {
    const value = this.#read(this.#words[RESULT_KIND]!, RESULT_NUMBER, this.#resultUnits, RESULT_LENGTH);
    Atomics.store(this.#words, STATE, LaneState.IDLE);
    return value;
  }

  /**
   * The pool stops watching: a task not yet answered will be answered by
   * port. Returns true when an answer was already there (take it now with
   * takeResult), false when there is nothing to take.
   */
  stopWatching(): boolean {
    for (;;) {
      const state = Atomics.load(this.#words, STATE);
      if (state === LaneState.DONE) return true;
      if (state === LaneState.WRITING) continue; // only the pool writes: not reached, but never misread
      if (state === LaneState.TASK && this.#swap(state, LaneState.TASK_UNWATCHED)) return false;
      if (state === LaneState.RUNNING && this.#swap(state, LaneState.RUNNING_UNWATCHED)) return false;
      if (state !== LaneState.TASK && state !== LaneState.RUNNING) return false;
    }
  }

  /** Whether the pool still watches a task it put in the lane (TASK or RUNNING). */
  get watched(): boolean {
    const state = Atomics.load(this.#words, STATE);
    return state === LaneState.TASK || state === LaneState.RUNNING || state === LaneState.DONE;
  }

  // ---- worker side ----

  /** Whether the lane is free (IDLE): the pool took the last answer, and no one listens yet. */
  get idle(): boolean {
    return Atomics.load(this.#words, STATE) === LaneState.IDLE;
  }

  /** The worker starts to listen (it is idle and spinning); false if the lane is not free yet. */
  listen(): boolean {
    return this.#swap(LaneState.IDLE, LaneState.LISTENING);
  }

  /** Whether a task was written and not yet taken (the worker must take it before anything sent later). */
  hasTask(): boolean {
    const state = Atomics.load(this.#words, STATE);
    return state === LaneState.WRITING || state === LaneState.TASK || state === LaneState.TASK_UNWATCHED;
  }

  /**
   * The worker stops listening. False when a task arrived meanwhile: take it
   * (take()) before going to sleep.
   */
  stopListening(): boolean {
    if (this.#swap(LaneState.LISTENING, LaneState.IDLE)) return true;
    return !this.hasTask();
  }

  /** Takes the task in the lane, or undefined when there is none. Waits out a pool that is writing one. */
  take(): LaneTask | undefined {
    for (;;) {
      const state = Atomics.load(this.#words, STATE);
      if (state === LaneState.WRITING) continue;
      if (state === LaneState.TASK && !this.#swap(state, LaneState.RUNNING)) continue;
      if (state === LaneState.TASK_UNWATCHED) Atomics.store(this.#words, STATE, LaneState.RUNNING_UNWATCHED);
      else if (state !== LaneState.TASK) return undefined;
      const words = this.#words;
      const kind = words[ARG_KIND]!;
      return { taskId: words[TASK_ID]!, fnId: words[FN_ID]!, args: kind === NO_VALUE ? [] : [this.#read(kind, ARG_NUMBER, this.#argUnits, ARG_LENGTH)] };
    }
  }

  /**
   * Answers the task in the lane, if the pool still watches it and the value
   * fits; false otherwise, and the lane is free: send the result by port.
   */
  answer(value: unknown): boolean {
    if (fitsLane(value) && Atomics.load(this.#words, STATE) === LaneState.RUNNING) {
      this.#words[RESULT_KIND] = this.#write(value, RESULT_NUMBER, this.#resultUnits, RESULT_LENGTH);
      if (this.#swap(LaneState.RUNNING, LaneState.DONE)) return true;
    }
    this.release();
    return false;
  }

  /** The task's outcome goes by port (an error, a dropped task, a large value): the lane is free again. */
  release(): void {
    Atomics.store(this.#words, STATE, LaneState.IDLE);
  }

  // ---- values ----

  #write(value: unknown, numberIndex: number, units: Uint16Array, lengthWord: number): number {
    switch (typeof value) {
      case "number":
        this.#numbers[numberIndex] = value;
        return NUMBER;
      case "boolean":
        return value ? TRUE : FALSE;
      case "string": {
        for (let index = 0; index < value.length; index++) units[index] = value.charCodeAt(index);
        this.#words[lengthWord] = value.length;
        return STRING;
      }
      default:
        return value === null ? NULL : UNDEFINED;
    }
  }

  #read(kind: number, numberIndex: number, units: Uint16Array, lengthWord: number): unknown {
    switch (kind) {
      case NUMBER:
        return this.#numbers[numberIndex];
      case TRUE:
        return true;
      case FALSE:
        return false;
      case NULL:
        return null;
      case STRING: {
        const length = this.#words[lengthWord]!;
        let text = "";
        for (let index = 0; index < length; index++) text += String.fromCharCode(units[index]!);
        return text;
      }
      default:
        return undefined;
    }
  }
}
