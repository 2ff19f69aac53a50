import { Deque } from "../pool/deque.js";
import type { MapOptions, RunOptions } from "./executor.js";
import type { Future } from "./future.js";
import { checkSignal, describeValue, durationOption, integerOption } from "../check-arguments.js";

/** Submits one chunk of items; the Future resolves to one result per item. */
export type SubmitChunk<T, R> = (items: T[], options: RunOptions | undefined) => Future<R[]>;

/**
 * `executor.map` for any executor that can run a chunk of items as one task:
 * pulls items lazily (never more than `concurrency` ahead of what was
 * yielded), yields in input order unless `ordered: false`, and on an error,
 * an abort or an early `break` cancels what is still in flight.
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
  return run(submitChunk, items, { chunkSize, concurrency, ordered, signal, runOptions });
}

interface Chunk<R> {
  readonly future: Future<R[]>;
  readonly size: number;
}

async function* run<T, R>(
  submitChunk: SubmitChunk<T, R>,
  items: Iterable<T> | AsyncIterable<T>,
  settings: { chunkSize: number; concurrency: number; ordered: boolean; signal: AbortSignal | undefined; runOptions: RunOptions | undefined },
): AsyncGenerator<R> {
  const { chunkSize, concurrency, ordered, signal, runOptions } = settings;
  const source = Symbol.asyncIterator in items ? (items as AsyncIterable<T>)[Symbol.asyncIterator]() : (items as Iterable<T>)[Symbol.iterator]();
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
          const next = await source.next();
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
      for (const result of results) yield result;
    }
  } finally {
    signal?.removeEventListener("abort", onAbort);
    for (const chunk of inFlight) chunk.future.cancel();
    if (!exhausted) await source.return?.();
  }
}
