import { Deque } from "../pool/deque.js";
import type { MapOptions, RunOptions } from "./executor.js";
import type { Future } from "./future.js";
import { checkSignal, describeValue, durationOption, integerOption } from "../check-arguments.js";

/** Submits one chunk of items; the Future resolves to one result per item. */
export type SubmitChunk<T, R> = (items: T[], options: RunOptions | undefined) => Future<R[]>;

/**
 * `executor.map` for any executor that can run a chunk of items as one task:
 * pulls items lazily (never more than `concurrency` ahead of what was
 * yielded; a synchronous iterable is read synchronously), yields in input
 * order unless `ordered: false`, and on an error, an abort or an early
 * `break` cancels what is still in flight. A chunk's results are handed out
 * from a buffer, without an async generator step per item.
 *
 * @example
 * ```ts
 * for await (const size of mapWithExecutor((items) => executor.run(chunkTask, [items]), files, { concurrency: 8 }, 4)) {
 *   console.log(size);
 * }
 * ```
 */
export function mapWithExecutor<T, R>(
  submitChunk: SubmitChunk<T, R>,
  items: Iterable<T> | AsyncIterable<T>,
  options: MapOptions | undefined,
  parallelism: number,
): AsyncIterableIterator<R> {
  return flatten(chunks(submitChunk, items, mapSettings(items, options, parallelism)));
}

/**
 * `executor.mapChunks` for any executor that can run a chunk of items as one
 * task: like `mapWithExecutor` (same options, backpressure, order, errors and
 * cancellation), but yields each chunk's results as one array, so the
 * consumer pays one `await` per chunk instead of one per item.
 *
 * @example
 * ```ts
 * for await (const sizes of mapChunksWithExecutor((items) => executor.run(chunkTask, [items]), files, { chunkSize: 100 }, 4)) {
 *   console.log(sizes.length);
 * }
 * ```
 */
export function mapChunksWithExecutor<T, R>(
  submitChunk: SubmitChunk<T, R>,
  items: Iterable<T> | AsyncIterable<T>,
  options: MapOptions | undefined,
  parallelism: number,
): AsyncIterableIterator<R[]> {
  return chunks(submitChunk, items, mapSettings(items, options, parallelism));
}

interface MapSettings {
  chunkSize: number;
  concurrency: number;
  ordered: boolean;
  signal: AbortSignal | undefined;
  runOptions: RunOptions | undefined;
}

/** Checks `items` and `options` where the user called `map`/`mapChunks`, and fills in the defaults. */
function mapSettings(items: unknown, options: MapOptions | undefined, parallelism: number): MapSettings {
  if (items === null || typeof items !== "object" || (!(Symbol.iterator in items) && !(Symbol.asyncIterator in items))) {
    throw new TypeError(`Expected items to be an iterable or async iterable, got ${describeValue(items)}`);
  }
  if (options !== undefined && (typeof options !== "object" || options === null)) {
    throw new TypeError(`Expected options to be an object, got ${describeValue(options)}`);
  }
  const chunkSize = integerOption("chunkSize", options?.chunkSize, 1, 1);
  const concurrency = integerOption("concurrency", options?.concurrency, Math.max(1024, parallelism * chunkSize * 2), 1);
  if (chunkSize > concurrency) throw new RangeError(`Expected chunkSize (${chunkSize}) to be at most concurrency (${concurrency})`);
  if (options?.timeout !== undefined) durationOption("timeout", options.timeout, 0);
  const ordered = options?.ordered ?? true;
  if (typeof ordered !== "boolean") throw new TypeError(`Expected ordered to be a boolean, got ${describeValue(ordered)}`);
  const signal = checkSignal(options?.signal);
  const runOptions: RunOptions | undefined = options?.timeout !== undefined ? { timeout: options.timeout } : undefined;
  return { chunkSize, concurrency, ordered, signal, runOptions };
}

interface Chunk<R> {
  readonly future: Future<R[]>;
  readonly size: number;
}

/** The engine of both: yields each chunk's results, in order or as completed. */
async function* chunks<T, R>(submitChunk: SubmitChunk<T, R>, items: Iterable<T> | AsyncIterable<T>, settings: MapSettings): AsyncGenerator<R[]> {
  const { chunkSize, concurrency, ordered, signal, runOptions } = settings;
  const sync = !(Symbol.asyncIterator in items);
  const source: Iterator<T> | AsyncIterator<T> = sync ? (items as Iterable<T>)[Symbol.iterator]() : (items as AsyncIterable<T>)[Symbol.asyncIterator]();
  const inFlight = new Set<Chunk<R>>();
  /** Submission order (ordered) or completion order (unordered). */
  const ready = new Deque<Chunk<R>>();
  let wake: (() => void) | undefined;
  let itemsAhead = 0;
  let exhausted = false;
  const onAbort = () => wake?.();
  signal?.addEventListener("abort", onAbort);
  try {
    for (;;) {
      signal?.throwIfAborted();
      while (!exhausted && itemsAhead + chunkSize <= concurrency) {
        const items: T[] = [];
        while (items.length < chunkSize) {
          // A synchronous source is read synchronously: no await (and no microtask) per item.
          const step = source.next();
          const next = sync ? (step as IteratorResult<T>) : await step;
          if (next.done) {
            exhausted = true;
            break;
          }
          items.push(next.value);
        }
        if (items.length === 0) break;
        const chunk: Chunk<R> = { future: submitChunk(items, runOptions), size: items.length };
        itemsAhead += chunk.size;
        inFlight.add(chunk);
        if (ordered) ready.push(chunk);
        else chunk.future.onSettled(() => {
          ready.push(chunk);
          wake?.();
        });
      }
      if (inFlight.size === 0) return;
      while (ready.length === 0 || !ready.peek()!.future.done()) {
        await new Promise<void>((resolve) => {
          wake = resolve;
          if (ordered) ready.peek()!.future.onSettled(() => resolve());
        });
        wake = undefined;
        signal?.throwIfAborted();
      }
      const chunk = ready.shift()!;
      inFlight.delete(chunk);
      itemsAhead -= chunk.size;
      const results = await chunk.future;
      yield results;
    }
  } finally {
    signal?.removeEventListener("abort", onAbort);
    for (const chunk of inFlight) chunk.future.cancel();
    if (!exhausted) await source.return?.();
  }
}

/**
 * One item at a time from an iterator of arrays. While a chunk is buffered,
 * `next()` returns an already resolved promise (no generator step, no
 * await inside); the next chunk is asked for only once the buffer is empty,
 * so the backpressure of `chunks` holds per item. Calls made while a chunk
 * is awaited wait their turn, as with an async generator.
 */
function flatten<R>(source: AsyncGenerator<R[]>): AsyncIterableIterator<R> {
  let buffer: R[] = [];
  let index = 0;
  /** The chunk being awaited, if any: later calls queue behind it. */
  let pending: Promise<unknown> | undefined;
  const after = <V>(step: () => Promise<V>): Promise<V> => {
    const result = pending ? pending.then(step, step) : step();
    const settled = result.then(
      () => {
        if (pending === settled) pending = undefined;
      },
      () => {
        if (pending === settled) pending = undefined;
      },
    );
    pending = settled;
    return result;
  };
  const pull = (): Promise<IteratorResult<R>> => {
    if (index < buffer.length) return Promise.resolve({ value: buffer[index++]!, done: false });
    return source.next().then((step) => {
      if (step.done) return step as IteratorResult<R>;
      buffer = step.value;
      index = 0;
      // A chunk is never empty, but a custom SubmitChunk may resolve to []: ask again.
      return index < buffer.length ? { value: buffer[index++]!, done: false } : pull();
    });
  };
  const drop = () => {
    buffer = [];
    index = 0;
  };
  const iterator: AsyncIterableIterator<R> = {
    next() {
      if (pending === undefined && index < buffer.length) return Promise.resolve({ value: buffer[index++]!, done: false });
      return after(pull);
    },
    return(value?: unknown) {
      return after(() => {
        drop();
        return source.return(value as never) as Promise<IteratorResult<R>>;
      });
    },
    throw(error?: unknown) {
      return after(() => {
        drop();
        return source.throw(error) as Promise<IteratorResult<R>>;
      });
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return iterator;
}
