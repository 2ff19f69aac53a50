import { describeValue, checkOptions, checkSignal, onAbort } from "../check-arguments.js";
import { QueueEmptyError, QueueFullError, QueueShutDownError } from "../errors.js";
import { Deque } from "../pool/deque.js";

/** Options of `new Queue(...)`, `new LifoQueue(...)` and `new PriorityQueue(...)`. */
export interface QueueOptions {
  /** The most items the queue holds; `put` waits while it is full. 0 or Infinity (the default): unbounded, as in Python. */
  maxsize?: number;
}

/** Options of `put`, `get` and `join`. */
export interface QueueWaitOptions {
  /** Aborting it while waiting stops waiting and rejects with `signal.reason`; nothing is put or taken. */
  signal?: AbortSignal;
}

/** Options of `queue.shutdown(...)`. */
export interface QueueShutdownOptions {
  /** Drop the items still queued, so that `get` fails at once (and `join` returns); default false. */
  immediate?: boolean;
}

type Wake = () => void;

/**
 * A first-in, first-out queue between async producers and consumers on one
 * thread, like Python's `asyncio.Queue` (3.13 semantics, `shutdown`
 * included). `put` waits while the queue is full, `get` while it is empty;
 * `taskDone` and `join` count the items that were taken but not yet
 * finished. For tasks in workers, use `Channel` from `offloop/shared`.
 *
 * @example
 * ```ts
 * import { Queue, QueueShutDownError } from "@offloop/core";
 * const queue = new Queue<string>({ maxsize: 10 });
 * const consumer = (async () => {
 *   for (;;) {
 *     const url = await queue.get().catch((error) => { if (QueueShutDownError.isInstance(error)) return undefined; throw error });
 *     if (url === undefined) return;
 *     await fetch(url);
 *     queue.taskDone();
 *   }
 * })();
 * for (const url of urls) await queue.put(url);
 * await queue.join();   // every url was fetched
 * queue.shutdown();     // the consumer's next get() fails with QueueShutDownError
 * await consumer;
 * ```
 */
export class Queue<T> {
  /** The most items the queue holds (Infinity when unbounded). */
  readonly maxsize: number;
  readonly #getters = new Deque<Wake>();
  readonly #putters = new Deque<Wake>();
  readonly #joiners = new Set<Wake>();
  #unfinished = 0;
  #shutDown = false;

  constructor(options?: QueueOptions) {
    const { maxsize = Infinity } = checkOptions(options);
    if (typeof maxsize !== "number" || !(maxsize === Infinity || (Number.isInteger(maxsize) && maxsize >= 0))) {
      throw new (typeof maxsize === "number" ? RangeError : TypeError)(`Expected maxsize to be a non-negative integer or Infinity, got ${describeValue(maxsize)}`);
    }
    this.maxsize = maxsize === 0 ? Infinity : maxsize;
  }

  /** How many items are queued now. */
  size(): number {
    return this.itemCount();
  }

  /** True when no item is queued. */
  empty(): boolean {
    return this.itemCount() === 0;
  }

  /** True when the queue holds `maxsize` items (never, when unbounded). */
  full(): boolean {
    return this.itemCount() >= this.maxsize;
  }

  /** True once `shutdown()` was called. */
  get isShutDown(): boolean {
    return this.#shutDown;
  }

  /**
   * Puts `item` at the end, waiting while the queue is full. Rejects with
   * `QueueShutDownError` if the queue is (or, while waiting, gets) shut down.
   *
   * @example
   * ```ts
   * await queue.put(job, { signal: AbortSignal.timeout(1000) });
   * ```
   */
  async put(item: T, options?: QueueWaitOptions): Promise<void> {
    const signal = checkSignal(checkOptions(options).signal);
    signal?.throwIfAborted();
    while (this.full()) {
      if (this.#shutDown) throw shutDownError("put");
      await waitIn(this.#putters, signal);
    }
    this.putNowait(item);
  }

  /**
   * Puts `item` at the end without waiting: throws `QueueFullError` when the
   * queue is full and `QueueShutDownError` after `shutdown()`.
   *
   * @example
   * ```ts
   * try { queue.putNowait(job) } catch (error) { if (QueueFullError.isInstance(error)) dropped++ }
   * ```
   */
  putNowait(item: T): void {
    if (this.#shutDown) throw shutDownError("put");
    if (this.full()) throw new QueueFullError(`Cannot put an item: the queue already holds maxsize (${this.maxsize}) items`);
    this.addItem(item);
    this.#unfinished++;
    wakeNext(this.#getters);
  }

  /**
   * Takes the next item, waiting while the queue is empty. Once the queue is
   * shut down it still hands out what is left, then rejects with
   * `QueueShutDownError` (at once after `shutdown({ immediate: true })`).
   *
   * @example
   * ```ts
   * const job = await queue.get({ signal });
   * ```
   */
  async get(options?: QueueWaitOptions): Promise<T> {
    const signal = checkSignal(checkOptions(options).signal);
    signal?.throwIfAborted();
    while (this.empty()) {
      if (this.#shutDown) throw shutDownError("get");
      await waitIn(this.#getters, signal);
    }
    return this.getNowait();
  }

  /**
   * Takes the next item without waiting: throws `QueueEmptyError` when there
   * is none (`QueueShutDownError` when there is none and the queue is shut down).
   *
   * @example
   * ```ts
   * const batch = [];
   * while (!queue.empty()) batch.push(queue.getNowait());
   * ```
   */
  getNowait(): T {
    if (this.empty()) {
      if (this.#shutDown) throw shutDownError("get");
      throw new QueueEmptyError("Cannot get an item: the queue is empty");
    }
    const item = this.takeItem();
    wakeNext(this.#putters);
    return item;
  }

  /**
   * Says that an item taken with `get` is finished; once every item put has
   * been marked so, `join()` resolves. Throws a `RangeError` when called more
   * times than items were put (Python's `ValueError`).
   *
   * @example
   * ```ts
   * const job = await queue.get();
   * try { await run(job) } finally { queue.taskDone() }
   * ```
   */
  taskDone(): void {
    if (this.#unfinished <= 0) throw new RangeError("taskDone() called more times than items were put");
    this.#unfinished--;
    if (this.#unfinished === 0) this.#wakeJoiners();
  }

  /**
   * Resolves once every item put has been taken and marked with `taskDone()`
   * (at once when none is unfinished).
   *
   * @example
   * ```ts
   * await queue.join();
   * ```
   */
  async join(options?: QueueWaitOptions): Promise<void> {
    const signal = checkSignal(checkOptions(options).signal);
    signal?.throwIfAborted();
    while (this.#unfinished > 0) await waitIn(this.#joiners, signal);
  }

  /**
   * Shuts the queue down (Python 3.13): `put` fails from now on with
   * `QueueShutDownError`, and so do waiting `put` calls; `get` returns what is
   * left and then fails. With `immediate`, the queued items are dropped (and
   * count as done for `join`), so waiting and later `get` calls fail at once.
   *
   * @example
   * ```ts
   * queue.shutdown({ immediate: true });
   * ```
   */
  shutdown(options?: QueueShutdownOptions): void {
    const { immediate = false } = checkOptions(options);
    if (typeof immediate !== "boolean") throw new TypeError(`Expected immediate to be a boolean, got ${describeValue(immediate)}`);
    this.#shutDown = true;
    if (immediate) {
      while (!this.empty()) {
        this.takeItem();
        if (this.#unfinished > 0) this.#unfinished--;
      }
      if (this.#unfinished === 0) this.#wakeJoiners();
    }
    while (this.#getters.length > 0) this.#getters.shift()!();
    while (this.#putters.length > 0) this.#putters.shift()!();
  }

  // The storage, which LifoQueue and PriorityQueue replace (Python's _put, _get, _qsize).
  readonly #items = new Deque<T>();
  /** Stores one item. */
  protected addItem(item: T): void {
    this.#items.push(item);
  }
  /** Removes and returns the next item; only called when the queue is not empty. */
  protected takeItem(): T {
    return this.#items.shift() as T;
  }
  /** How many items are stored. */
  protected itemCount(): number {
    return this.#items.length;
  }

  #wakeJoiners(): void {
    for (const wake of [...this.#joiners]) wake();
    this.#joiners.clear();
  }
}

/**
 * A `Queue` that hands out the most recently added item first, like
 * Python's `asyncio.LifoQueue`.
 *
 * @example
 * ```ts
 * import { LifoQueue } from "@offloop/core";
 * const stack = new LifoQueue<number>();
 * stack.putNowait(1); stack.putNowait(2);
 * stack.getNowait(); // 2
 * ```
 */
export class LifoQueue<T> extends Queue<T> {
  readonly #stack: T[] = [];
  protected override addItem(item: T): void {
    this.#stack.push(item);
  }
  protected override takeItem(): T {
    return this.#stack.pop() as T;
  }
  protected override itemCount(): number {
    return this.#stack.length;
  }
}

/** Options of `new PriorityQueue(...)`. */
export interface PriorityQueueOptions<T> extends QueueOptions {
  /**
   * Orders items: negative when `a` comes out before `b`. The default orders
   * numbers, bigints and strings with `<`, and arrays (Python's tuples such as
   * `[priority, data]`) element by element.
   */
  compare?: (a: T, b: T) => number;
}

/**
 * A `Queue` that hands out the smallest item first, like Python's
 * `asyncio.PriorityQueue`: put `[priority, data]` pairs, or pass `compare`.
 *
 * @example
 * ```ts
 * import { PriorityQueue } from "@offloop/core";
 * const queue = new PriorityQueue<[number, string]>();
 * queue.putNowait([2, "later"]); queue.putNowait([1, "first"]);
 * queue.getNowait(); // [1, "first"]
 * ```
 */
export class PriorityQueue<T> extends Queue<T> {
  readonly #heap: T[] = [];
  readonly #compare: (a: T, b: T) => number;

  constructor(options?: PriorityQueueOptions<T>) {
    super(options);
    const { compare = defaultCompare } = checkOptions(options);
    if (typeof compare !== "function") throw new TypeError(`Expected compare to be a function, got ${describeValue(compare)}`);
    this.#compare = compare;
  }

  protected override addItem(item: T): void {
    const heap = this.#heap;
    heap.push(item);
    let index = heap.length - 1;
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if (this.#compare(heap[index]!, heap[parent]!) >= 0) break;
      [heap[index], heap[parent]] = [heap[parent]!, heap[index]!];
      index = parent;
    }
  }

  protected override takeItem(): T {
    const heap = this.#heap;
    const top = heap[0]!;
    const last = heap.pop()!;
    if (heap.length > 0) {
      heap[0] = last;
      let index = 0;
      for (;;) {
        const left = 2 * index + 1;
        const right = left + 1;
        let smallest = index;
        if (left < heap.length && this.#compare(heap[left]!, heap[smallest]!) < 0) smallest = left;
        if (right < heap.length && this.#compare(heap[right]!, heap[smallest]!) < 0) smallest = right;
        if (smallest === index) break;
        [heap[index], heap[smallest]] = [heap[smallest]!, heap[index]!];
        index = smallest;
      }
    }
    return top;
  }

  protected override itemCount(): number {
    return this.#heap.length;
  }
}

function defaultCompare(a: unknown, b: unknown): number {
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let index = 0; index < Math.min(a.length, b.length); index++) {
      const order = defaultCompare(a[index], b[index]);
      if (order !== 0) return order;
    }
    return a.length - b.length;
  }
  const kind = typeof a;
  if (kind === typeof b && (kind === "number" || kind === "bigint" || kind === "string")) {
    return (a as number) < (b as number) ? -1 : (a as number) > (b as number) ? 1 : 0;
  }
  throw new TypeError(`PriorityQueue cannot order ${describeValue(a)} and ${describeValue(b)}: put numbers, strings or [priority, data] arrays, or pass a compare function`);
}

function shutDownError(op: "put" | "get"): QueueShutDownError {
  return new QueueShutDownError(op === "put" ? "Cannot put an item: the queue is shut down" : "Cannot get an item: the queue is shut down and empty");
}

/** Waits until `wake` is called from the list (FIFO for a Deque); aborting removes the waiter. */
function waitIn(waiters: Deque<Wake> | Set<Wake>, signal: AbortSignal | undefined): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let removeAbort = () => {};
    const wake: Wake = () => {
      removeAbort();
      resolve();
    };
    removeAbort = onAbort(signal, () => {
      if (waiters instanceof Set) waiters.delete(wake);
      else removeFrom(waiters, wake);
      reject(signal!.reason);
    });
    if (waiters instanceof Set) waiters.add(wake);
    else waiters.push(wake);
  });
}

function removeFrom(deque: Deque<Wake>, target: Wake): void {
  const kept: Wake[] = [];
  while (deque.length > 0) {
    const wake = deque.shift()!;
    if (wake !== target) kept.push(wake);
  }
  for (const wake of kept) deque.push(wake);
}

function wakeNext(waiters: Deque<Wake>): void {
  waiters.shift()?.();
}
