import { ChannelClosedError } from "../errors.js";
import { checkOptions } from "../check-arguments.js";
import { decode, encode } from "./codec.js";
import { checkSharedMemory, fromMarker, toMarker, type SharedMarker } from "./marker.js";
import { shared } from "./owners.js";
import { blockWhile, checkCount, deadlineOf, remaining, timedOut, waitWhile, type SharedWaitOptions } from "./wait.js";

/** Options of `new Channel(capacity, ...)`. */
export interface ChannelOptions {
  /** The room for messages in bytes (each takes its encoded size plus 4); default 1 MiB. A larger message cannot be sent. */
  bytes?: number;
}

// The header: 8 words before the message bytes.
const LOCK = 0; // a short spin lock around each copy in or out
const COUNT = 1; // messages queued
const HEAD = 2; // where the next message to read starts
const TAIL = 3; // where the next message to write goes
const USED = 4; // bytes in use
const CLOSED = 5;
const SEQ = 6; // changes on every send, receive and close: what waiters wait on
const CAPACITY = 7;
const HEADER_BYTES = 32;

type Received<T> = { done: false; value: T } | { done: true; value: undefined };

/**
 * A bounded multi-producer, multi-consumer channel in shared memory between
 * tasks on worker threads and the calling thread (`multithreading`'s
 * channel, Go's buffered channel; on one thread use core's `Queue`). It
 * holds at most `capacity` messages: in tasks `send` blocks while it is full
 * and `for (const value of channel)` blocks for the next value; on the
 * calling thread use `sendAsync` and `for await`. Iteration ends once the
 * channel is closed and drained. Values are copied (see the docs for what
 * travels: JSON plus undefined, NaN, bigint, Date, RegExp, Map, Set, typed
 * arrays, errors).
 *
 * @example
 * ```ts
 * // tasks.ts
 * consume(jobs: Channel<string>) {
 *   let done = 0;
 *   for (const path of jobs) { process(path); done++ }
 *   return done;
 * },
 * // main.ts
 * const jobs = new Channel<string>(8);
 * const consumers = [executor.submit(tasks.consume, jobs), executor.submit(tasks.consume, jobs)];
 * for (const path of paths) await jobs.sendAsync(path);
 * jobs.close();
 * const counts = await Promise.all(consumers);
 * ```
 */
export class Channel<T = unknown> implements Iterable<T>, AsyncIterable<T> {
  readonly #buffer: SharedArrayBuffer;
  readonly #header: Int32Array;
  readonly #bytes: Uint8Array;

  /** `capacity`: the most messages it holds (1 or more). */
  constructor(capacity: number, options?: ChannelOptions) {
    checkSharedMemory("Channel");
    const memory = takeAttaching();
    if (memory) {
      this.#buffer = memory;
    } else {
      checkCount("capacity", capacity, 1, 0x7fffffff);
      const { bytes = 1 << 20 } = checkOptions(options);
      checkCount("bytes", bytes, 8, 2 ** 30);
      this.#buffer = new SharedArrayBuffer(HEADER_BYTES + bytes);
    }
    this.#header = new Int32Array(this.#buffer, 0, HEADER_BYTES / 4);
    this.#bytes = new Uint8Array(this.#buffer, HEADER_BYTES);
    if (!memory) this.#header[CAPACITY] = capacity;
    shared.inUse = true;
  }

  /** The most messages the channel holds. */
  get capacity(): number {
    return this.#header[CAPACITY]!;
  }

  /** How many messages are waiting to be received. */
  get size(): number {
    return Atomics.load(this.#header, COUNT);
  }

  /** True once `close()` was called. */
  get closed(): boolean {
    return Atomics.load(this.#header, CLOSED) !== 0;
  }

  /**
   * Sends `value`, blocking this thread while the channel is full (for
   * tasks). Throws `ChannelClosedError` once closed, `TimeoutError` after
   * `timeout` ms, a TypeError for a value that cannot travel and a
   * RangeError for one larger than the channel's `bytes`.
   *
   * @example
   * ```ts
   * results.send({ path, words });
   * ```
   */
  send(value: T, options?: SharedWaitOptions): void {
    const deadline = deadlineOf(options);
    const message = this.#encode(value);
    for (;;) {
      const seen = Atomics.load(this.#header, SEQ);
      if (this.#put(message)) return;
      if (remaining(deadline) === 0) throw timedOut("Sending on the channel", deadline);
      blockWhile(this.#header, SEQ, seen, deadline);
    }
  }

  /**
   * Sends `value` without blocking the event loop, waiting while the channel
   * is full (for the calling thread).
   *
   * @example
   * ```ts
   * for (const path of paths) await jobs.sendAsync(path, { signal });
   * ```
   */
  async sendAsync(value: T, options?: SharedWaitOptions): Promise<void> {
    const deadline = deadlineOf(options);
    const message = this.#encode(value);
    for (;;) {
      const seen = Atomics.load(this.#header, SEQ);
      if (this.#put(message)) return;
      if (remaining(deadline) === 0) throw timedOut("Sending on the channel", deadline);
      await waitWhile(this.#header, SEQ, seen, deadline);
    }
  }

  /**
   * Sends `value` if there is room now; returns false when the channel is full.
   *
   * @example
   * ```ts
   * if (!events.trySend(event)) dropped++;
   * ```
   */
  trySend(value: T): boolean {
    return this.#put(this.#encode(value));
  }

  /**
   * Receives the next message, blocking this thread while none is there
   * (for tasks): `{ done: false, value }`, or `{ done: true }` once the
   * channel is closed and drained. `for (const value of channel)` calls it.
   *
   * @example
   * ```ts
   * const next = jobs.receive({ timeout: 1000 });
   * if (!next.done) handle(next.value);
   * ```
   */
  receive(options?: SharedWaitOptions): Received<T> {
    const deadline = deadlineOf(options);
    for (;;) {
      const seen = Atomics.load(this.#header, SEQ);
      const next = this.#take();
      if (next) return next;
      if (remaining(deadline) === 0) throw timedOut("Receiving from the channel", deadline);
      blockWhile(this.#header, SEQ, seen, deadline);
    }
  }

  /**
   * Receives the next message without blocking the event loop (for the
   * calling thread). `for await (const value of channel)` calls it.
   *
   * @example
   * ```ts
   * const next = await results.receiveAsync({ signal });
   * ```
   */
  async receiveAsync(options?: SharedWaitOptions): Promise<Received<T>> {
    const deadline = deadlineOf(options);
    for (;;) {
      const seen = Atomics.load(this.#header, SEQ);
      const next = this.#take();
      if (next) return next;
      if (remaining(deadline) === 0) throw timedOut("Receiving from the channel", deadline);
      await waitWhile(this.#header, SEQ, seen, deadline);
    }
  }

  /**
   * Receives a message if one is there now, else returns undefined (also
   * `{ done: true }` once closed and drained).
   *
   * @example
   * ```ts
   * for (let next = inbox.tryReceive(); next && !next.done; next = inbox.tryReceive()) handle(next.value);
   * ```
   */
  tryReceive(): Received<T> | undefined {
    return this.#take();
  }

  /**
   * Closes the channel: sends fail from now on, receivers get what is
   * left, then their loops end. Closing twice is harmless.
   *
   * @example
   * ```ts
   * jobs.close();
   * ```
   */
  close(): void {
    this.#lock();
    Atomics.store(this.#header, CLOSED, 1);
    Atomics.add(this.#header, SEQ, 1);
    this.#unlock();
    Atomics.notify(this.#header, SEQ);
  }

  /** Blocking iteration, for tasks: ends once the channel is closed and drained. */
  *[Symbol.iterator](): Iterator<T> {
    for (;;) {
      const next = this.receive();
      if (next.done) return;
      yield next.value;
    }
  }

  /** Async iteration, for the calling thread: ends once the channel is closed and drained. */
  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    for (;;) {
      const next = await this.receiveAsync();
      if (next.done) return;
      yield next.value;
    }
  }

  #encode(value: T): Uint8Array {
    if (this.closed) throw closedError();
    const message = encode(value);
    if (message.length + 4 > this.#bytes.length) {
      throw new RangeError(`Cannot send a message of ${message.length + 4} bytes through a Channel of ${this.#bytes.length} bytes: pass a larger bytes option, or send smaller pieces`);
    }
    return message;
  }

  /** Copies `message` in if there is room; false when full. */
  #put(message: Uint8Array): boolean {
    const header = this.#header;
    this.#lock();
    try {
      if (header[CLOSED]) throw closedError();
      const size = message.length + 4;
      if (header[COUNT]! >= header[CAPACITY]! || header[USED]! + size > this.#bytes.length) return false;
      const length = new Uint8Array(4);
      new DataView(length.buffer).setUint32(0, message.length, true);
      let at = this.#copyIn(header[TAIL]!, length);
      at = this.#copyIn(at, message);
      header[TAIL] = at;
      header[USED]! += size;
      header[COUNT]!++;
      Atomics.add(header, SEQ, 1);
    } finally {
      this.#unlock();
    }
    Atomics.notify(header, SEQ);
    return true;
  }

  /** Takes the next message if there is one: the value, done (closed and drained), or undefined (empty). */
  #take(): Received<T> | undefined {
    const header = this.#header;
    let message: Uint8Array;
    this.#lock();
    try {
      if (header[COUNT] === 0) return header[CLOSED] ? { done: true, value: undefined } : undefined;
      const length = new Uint8Array(4);
      let at = this.#copyOut(header[HEAD]!, length);
      message = new Uint8Array(new DataView(length.buffer).getUint32(0, true));
      at = this.#copyOut(at, message);
      header[HEAD] = at;
      header[USED]! -= message.length + 4;
      header[COUNT]!--;
      Atomics.add(header, SEQ, 1);
    } finally {
      this.#unlock();
    }
    Atomics.notify(header, SEQ);
    return { done: false, value: decode(message) as T };
  }

  #copyIn(at: number, source: Uint8Array): number {
    const ring = this.#bytes;
    const first = Math.min(source.length, ring.length - at);
    ring.set(source.subarray(0, first), at);
    if (first < source.length) ring.set(source.subarray(first), 0);
    return (at + source.length) % ring.length;
  }

  #copyOut(at: number, target: Uint8Array): number {
    const ring = this.#bytes;
    const first = Math.min(target.length, ring.length - at);
    target.set(ring.subarray(at, at + first));
    if (first < target.length) target.set(ring.subarray(0, target.length - first), first);
    return (at + target.length) % ring.length;
  }

  /** The lock is held only while bytes are copied, so waiting for it spins (and naps where the thread may block). */
  #lock(): void {
    const header = this.#header;
    for (let spins = 0; Atomics.compareExchange(header, LOCK, 0, 1) !== 0; spins++) {
      if (spins > 200 && canBlock) {
        try {
          Atomics.wait(header, LOCK, 1, 1);
        } catch {
          canBlock = false;
        }
      }
    }
  }

  #unlock(): void {
    Atomics.store(this.#header, LOCK, 0);
    Atomics.notify(this.#header, LOCK, 1);
  }

  /** @internal */
  [toMarker](): SharedMarker {
    return { $offloopShared: "Channel", buffer: this.#buffer };
  }

  /** @internal */
  static [fromMarker](marker: SharedMarker): Channel {
    attaching = marker.buffer;
    return new Channel(1);
  }
}

/** False once Atomics.wait threw here (a browser's main thread): the channel's short lock then only spins. */
let canBlock = true;

function closedError(): ChannelClosedError {
  return new ChannelClosedError("Cannot send on a closed Channel");
}

let attaching: SharedArrayBuffer | undefined;
function takeAttaching(): SharedArrayBuffer | undefined {
  const buffer = attaching;
  attaching = undefined;
  return buffer;
}
