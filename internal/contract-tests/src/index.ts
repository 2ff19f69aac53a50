/**
 * The one behavioural suite that every offloop executor runs, on every
 * runtime. An adapter's test file calls `runContractSuite` with a factory;
 * what a runtime cannot do is read from the executor's `capabilities`, so a
 * test is marked skipped (vitest `it.skip`) with the reason in its name instead of silently passing.
 */
import { describe, it } from "vitest";
import assert from "node:assert/strict";
import {
  CancelledError,
  ExecutorShutdownError,
  QueueFullError,
  TaskArgumentError,
  TimeoutError,
  UnknownTaskError,
  WorkerCrashedError,
  WorkerStartError,
  type Executor,
  type PoolOptions,
  type SpawnerCapabilities,
} from "@offloop/core";
// @ts-types="../dist/tasks.d.ts"
import tasks from "../dist/tasks.js";
// @ts-types="../dist/errors.d.ts"
import { PaymentError } from "../dist/errors.js";
import { delay, rejection, within } from "./within.ts";
import { itOrSkip } from "./skip.ts";

/** An executor under test; `capabilities` says what its runtime cannot do. */
export type ContractExecutor = Executor & { readonly capabilities?: Partial<SpawnerCapabilities> };

export interface ContractSuiteOptions {
  /** Shown in the test names, e.g. "node-worker-threads". */
  name: string;
  /** Makes a fresh executor; the suite passes small pools (maxWorkers 1 or 2) and short cancelGrace. */
  createExecutor(options?: PoolOptions): ContractExecutor;
}


/**
 * Registers the contract tests for one executor.
 *
 * @example
 * ```ts
 * import { runContractSuite } from "@offloop/contract-tests";
 * import { ThreadPoolExecutor } from "@offloop/node-worker-threads";
 * runContractSuite({ name: "node-worker-threads", createExecutor: (options) => new ThreadPoolExecutor(options) });
 * ```
 */
export function runContractSuite({ name, createExecutor }: ContractSuiteOptions): void {
  const probe = createExecutor({ maxWorkers: 1 });
  const capabilities = { transfer: true, sharedMemory: true, terminatesBusyLoop: true, crashIsolation: true, ...probe.capabilities };
  const stopsWorkers = typeof (probe as { terminateWorkers?: unknown }).terminateWorkers === "function";
  void probe.shutdown();
  const spins = acceptsOption(createExecutor, { maxWorkers: 1, spinMicroseconds: 0 });
  const callerSpins = acceptsOption(createExecutor, { maxWorkers: 1, callerSpinMicroseconds: 0 });

  /** Runs `body` with a fresh executor and always shuts it down. */
  async function withExecutor(options: PoolOptions, body: (executor: ContractExecutor) => Promise<void>): Promise<void> {
    const executor = createExecutor(options);
    try {
      await body(executor);
    } finally {
      await within(executor.shutdown({ cancelPending: true }), 30_000, "shutdown");
    }
  }

  describe(`executor contract: ${name}`, () => {
    describe("results", () => {
      it("returns what a task returns, in order", () =>
        withExecutor({ maxWorkers: 2 }, async (executor) => {
          assert.equal(await within(executor.submit(tasks.add, 2, 3)), 5);
          assert.equal(await within(executor.run(tasks.fib, [20])), 6765);
          const futures = Array.from({ length: 200 }, (_, index) => executor.submit(tasks.add, index, 1));
          assert.deepEqual(await within(Promise.all(futures)), Array.from({ length: 200 }, (_, index) => index + 1));
        }));

      it("runs plain self-contained functions sent as source", () =>
        withExecutor({ maxWorkers: 1 }, async (executor) => {
          assert.equal(await within(executor.submit((a: number, b: number) => a * b, 6, 7)), 42);
          assert.equal(await within(executor.submit(async function twice(x: number) { return x * 2; }, 21)), 42);
        }));

      it("explains a ReferenceError from a function that used its closure", () =>
        withExecutor({ maxWorkers: 1 }, async (executor) => {
          // An object, not a number: Bun's transpiler folds `const n = 41; () => n + 1` into `() => 42`.
          const outside = { value: 41 };
          const error = await rejection(executor.submit(() => outside.value + 1));
          assert.equal(error.name, "ReferenceError");
          assert.match(error.message, /defineTasks/);
        }));

      it("copies every structured-cloneable kind of argument and result", () =>
        withExecutor({ maxWorkers: 1 }, async (executor) => {
          const value = {
            date: new Date(1_700_000_000_000),
            map: new Map<unknown, unknown>([["a", 1], [2, { b: [3] }]]),
            set: new Set([1, "two", 3n]),
            big: 12345678901234567890n,
            bytes: new Uint8Array([1, 2, 3]),
            floats: new Float64Array([0.5, -0]),
            regexp: /off+loop/gi,
            nested: { list: [1, [2, [3]], null, undefined], nan: NaN, inf: -Infinity },
            error: new RangeError("as data"),
          };
          const copy = (await within(executor.submit(tasks.echo, value))) as typeof value;
          assert.deepEqual(copy.date, value.date);
          assert.deepEqual(copy.map, value.map);
          assert.deepEqual(copy.set, value.set);
          assert.equal(copy.big, value.big);
          assert.deepEqual([...copy.bytes], [1, 2, 3]);
          assert.ok(copy.bytes instanceof Uint8Array);
          assert.deepEqual([...copy.floats], [0.5, -0]);
          assert.equal(copy.regexp.source, "off+loop");
          assert.equal(copy.regexp.flags, "gi");
          assert.deepEqual(copy.nested, value.nested);
          assert.equal(copy.error.message, "as data");
        }));

      it("runs async tasks and several at once with concurrentTasksPerWorker", () =>
        withExecutor({ maxWorkers: 1, concurrentTasksPerWorker: 4 }, async (executor) => {
          assert.equal(await within(executor.submit(tasks.asyncAdd, 20, 22)), 42);
          const results = await within(Promise.all([1, 2, 3, 4].map((n) => executor.submit(tasks.delayedEcho, n, 100))));
          assert.deepEqual(results, [1, 2, 3, 4]);
        }));

      it("reports progress to onProgress", () =>
        withExecutor({ maxWorkers: 1 }, async (executor) => {
          const seen: unknown[] = [];
          const result = await within(executor.run(tasks.reportProgress, [3], { onProgress: (value) => seen.push(value) }));
          assert.equal(result, 3);
          assert.deepEqual(seen, [1, 2, 3]);
        }));

      itOrSkip(!capabilities.transfer && "this runtime copies instead of transferring")("moves buffers with a transfer list, both ways", () =>
        withExecutor({ maxWorkers: 1 }, async (executor) => {
          const buffer = new ArrayBuffer(1024);
          assert.equal(await within(executor.run(tasks.byteLength, [buffer], { transfer: [buffer] })), 1024);
          assert.equal(buffer.byteLength, 0, "the sender's buffer is detached");
          const back = await within(executor.submit(tasks.makeBuffer, 2048));
          assert.equal(back.byteLength, 2048);
        }));
    });

    describe("errors", () => {
      it("keeps a task error's class, message, stack, cause and own properties", () =>
        withExecutor({ maxWorkers: 1, captureCallSite: true }, async (executor) => {
          const error = await rejection(executor.submit(tasks.throwTypeError, "bad input"));
          assert.ok(error instanceof TypeError);
          assert.equal(error.name, "TypeError");
          assert.equal(error.message, "bad input");
          assert.equal((error as TypeError & { code?: string }).code, "E_CONTRACT");
          assert.ok(error.cause instanceof RangeError);
          assert.equal((error.cause as Error).message, "inner cause");
          assert.match(error.stack ?? "", /throwTypeError/, "the stack has the worker's frame");
          assert.match(error.stack ?? "", /submitted/, "with captureCallSite, the stack ends with the submitting call site");
        }));

      it("re-creates registered error classes and AggregateError", () =>
        withExecutor({ maxWorkers: 1 }, async (executor) => {
          const custom = await rejection(executor.submit(tasks.throwCustom, 42));
          assert.ok(custom instanceof PaymentError);
          assert.equal((custom as PaymentError).amount, 42);
          const aggregate = await rejection(executor.submit(tasks.throwAggregate));
          assert.ok(aggregate instanceof AggregateError);
          assert.deepEqual((aggregate as AggregateError).errors.map((inner: Error) => inner.message), ["first", "second"]);
          const thrown = await rejection(executor.submit(tasks.throwString));
          assert.match(thrown.message, /a plain string/);
        }));

      it("rejects async task failures", () =>
        withExecutor({ maxWorkers: 1 }, async (executor) => {
          const error = await rejection(executor.submit(tasks.asyncReject, "later"));
          assert.equal(error.message, "later");
        }));

      it("names the path of an argument that cannot be sent, and keeps serving", () =>
        withExecutor({ maxWorkers: 1 }, async (executor) => {
          const bad = executor.submit(tasks.echo, { user: { onDone: () => {} } } as never);
          const good = executor.submit(tasks.add, 1, 1);
          const error = await rejection(bad);
          assert.ok(TaskArgumentError.isInstance(error), `expected TaskArgumentError, got ${error.name}`);
          assert.match(error.message, /args\[0\]\.user\.onDone/);
          assert.match(error.message, /function/);
          assert.equal(await within(good), 2);
        }));

      it("fails a task whose result or error cannot be sent, and keeps serving", () =>
        withExecutor({ maxWorkers: 1 }, async (executor) => {
          const result = await rejection(executor.submit(tasks.returnFunction));
          assert.ok(TaskArgumentError.isInstance(result), `expected TaskArgumentError, got ${result.name}: ${result.message}`);
          assert.match(result.message, /callback/);
          const thrown = await rejection(executor.submit(tasks.throwUncloneable));
          assert.equal(thrown.message, "carries a function");
          assert.equal(await within(executor.submit(tasks.add, 1, 2)), 3);
        }));

      it("rejects an unknown task with UnknownTaskError", () =>
        withExecutor({ maxWorkers: 1 }, async (executor) => {
          const unknown = { module: tasks.add.module, name: "doesNotExist" } as unknown as typeof tasks.add;
          const error = await rejection(executor.submit(unknown, 1, 2));
          assert.ok(UnknownTaskError.isInstance(error), `expected UnknownTaskError, got ${error.name}`);
          assert.match(error.message, /doesNotExist/);
        }));

      it("rejects bad arguments at the call with a TypeError", () =>
        withExecutor({ maxWorkers: 1 }, async (executor) => {
          assert.throws(() => executor.submit(42 as never), /task/);
          assert.throws(() => executor.run(tasks.add, 1 as never), TypeError);
          assert.throws(() => executor.run(tasks.add, [1, 2], { timeout: -5 }), RangeError);
          assert.throws(() => executor.run(tasks.add, [1, 2], { signal: "no" as never }), TypeError);
        }));
    });

    describe("cancellation and timeouts", () => {
      it("cancels a pending task before it runs", () =>
        withExecutor({ maxWorkers: 1 }, async (executor) => {
          const blocker = executor.submit(tasks.sleep, 200);
          const pending = executor.submit(tasks.add, 1, 1);
          assert.equal(pending.cancel(), true);
          assert.equal(pending.state, "cancelled");
          assert.equal(pending.cancel(), false, "a second cancel has no effect");
          assert.ok(CancelledError.isInstance(await rejection(pending)));
          assert.equal(await within(blocker), 200);
          assert.equal(executor.stats.cancelled, 1);
        }));

      it("cancels through an AbortSignal", () =>
        withExecutor({ maxWorkers: 1 }, async (executor) => {
          const controller = new AbortController();
          const future = executor.run(tasks.waitForAbort, [], { signal: controller.signal });
          await delay(50);
          controller.abort(new Error("user left"));
          const error = await rejection(future);
          assert.ok(CancelledError.isInstance(error));
          const early = executor.run(tasks.add, [1, 2], { signal: AbortSignal.abort() });
          assert.ok(CancelledError.isInstance(await rejection(early)));
        }));

      it("stops a cooperative task through its signal without losing the worker", () =>
        withExecutor({ maxWorkers: 1 }, async (executor) => {
          const before = await within(executor.submit(tasks.whoami));
          const future = executor.submit(tasks.waitForAbort);
          await delay(50);
          assert.equal(future.state, "running");
          future.cancel();
          assert.ok(CancelledError.isInstance(await rejection(future)));
          assert.equal(await within(executor.submit(tasks.whoami)), before, "same worker serves the next task");
        }));

      itOrSkip(!capabilities.terminatesBusyLoop && "terminate() cannot stop a busy thread on this runtime")("really stops a running busy loop that is cancelled, and keeps serving", () =>
        withExecutor({ maxWorkers: 1, cancelGrace: 100 }, async (executor) => {
          const shared = capabilities.sharedMemory ? new Int32Array(new SharedArrayBuffer(4)) : undefined;
          const future = executor.submit(tasks.spin, shared);
          await delay(100);
          for (let waited = 0; shared && Atomics.load(shared, 0) === 0 && waited < 10_000; waited += 20) await delay(20);
          assert.ok(future.cancel());
          assert.ok(CancelledError.isInstance(await rejection(future)));
          assert.equal(await within(executor.submit(tasks.add, 2, 2)), 4, "the pool replaced the worker");
          if (shared) {
            await delay(50);
            const settled = Atomics.load(shared, 0);
            await delay(100);
            assert.equal(Atomics.load(shared, 0), settled, "the loop stopped counting");
            assert.ok(settled > 0, "the loop ran before it was stopped");
          }
        }));

      itOrSkip(!capabilities.terminatesBusyLoop && "terminate() cannot stop a busy thread on this runtime")("times out a task with TimeoutError and stops it", () =>
        withExecutor({ maxWorkers: 1, cancelGrace: 100 }, async (executor) => {
          const error = await rejection(executor.run(tasks.spin, [], { timeout: 100 }));
          assert.ok(TimeoutError.isInstance(error), `expected TimeoutError, got ${error.name}`);
          assert.match(error.message, /100 ms/);
          assert.equal(await within(executor.submit(tasks.add, 3, 4)), 7);
        }));

      it("times out a cooperative async task", () =>
        withExecutor({ maxWorkers: 1 }, async (executor) => {
          const error = await rejection(executor.run(tasks.waitForAbort, [], { timeout: 50 }));
          assert.ok(TimeoutError.isInstance(error));
          assert.equal(await within(executor.submit(tasks.add, 1, 1)), 2);
        }));
    });

    describe("map", () => {
      it("yields results in input order, with or without chunks", () =>
        withExecutor({ maxWorkers: 2 }, async (executor) => {
          const items = Array.from({ length: 100 }, (_, index) => index);
          for (const chunkSize of [1, 7]) {
            const results: number[] = [];
            for await (const result of executor.map(tasks.fib, items.map((n) => n % 15), { chunkSize })) results.push(result);
            const fib = (n: number): number => (n < 2 ? n : fib(n - 1) + fib(n - 2));
            assert.deepEqual(results, items.map((n) => fib(n % 15)));
          }
        }));

      it("yields as completed with ordered: false", () =>
        withExecutor({ maxWorkers: 2, concurrentTasksPerWorker: 4 }, async (executor) => {
          const results: number[] = [];
          const items = [300, 10, 200, 20];
          for await (const ms of executor.map((ms: number) => new Promise<number>((resolve) => setTimeout(() => resolve(ms), ms)), items, { ordered: false })) {
            results.push(ms);
          }
          assert.deepEqual(results.slice().sort((a, b) => a - b), [10, 20, 200, 300]);
          assert.notDeepEqual(results, items, "completion order differs from input order");
        }));

      it("never pulls more than `concurrency` items ahead of the consumer", () =>
        withExecutor({ maxWorkers: 2 }, async (executor) => {
          let pulled = 0;
          let yielded = 0;
          let maxAhead = 0;
          function* source() {
            for (let index = 0; index < 40; index++) {
              pulled++;
              maxAhead = Math.max(maxAhead, pulled - yielded);
              yield index;
            }
          }
          for await (const _ of executor.map(tasks.echo, source(), { concurrency: 3 })) {
            yielded++;
            await delay(2);
          }
          assert.equal(yielded, 40);
          assert.ok(maxAhead <= 3, `pulled ${maxAhead} items ahead`);
        }));

      it("reads async iterables and stops on the first error, cancelling the rest", () =>
        withExecutor({ maxWorkers: 1 }, async (executor) => {
          async function* source() {
            yield 1;
            yield 2;
          }
          const results: number[] = [];
          for await (const value of executor.map(tasks.echo, source())) results.push(value);
          assert.deepEqual(results, [1, 2]);
          const failing = executor.map((n: number) => {
            if (n === 3) throw new Error("three");
            return n;
          }, [1, 2, 3, 4, 5]);
          const seen: number[] = [];
          await assert.rejects(async () => {
            for await (const value of failing) seen.push(value);
          }, /three/);
          assert.deepEqual(seen, [1, 2]);
        }));

      it("stops when its signal aborts", () =>
        withExecutor({ maxWorkers: 1 }, async (executor) => {
          const controller = new AbortController();
          const seen: number[] = [];
          await assert.rejects(async () => {
            for await (const value of executor.map(tasks.echo, [1, 2, 3, 4], { signal: controller.signal, concurrency: 1 })) {
              seen.push(value);
              if (value === 2) controller.abort(new Error("enough"));
            }
          }, /enough/);
          assert.deepEqual(seen, [1, 2]);
        }));
    });

    describe("mapChunks", () => {
      it("yields each chunk's results as one array, in input order", () =>
        withExecutor({ maxWorkers: 2 }, async (executor) => {
          const items = Array.from({ length: 100 }, (_, index) => index % 15);
          const fib = (n: number): number => (n < 2 ? n : fib(n - 1) + fib(n - 2));
          const chunks: number[][] = [];
          for await (const results of executor.mapChunks(tasks.fib, items, { chunkSize: 7 })) chunks.push(results);
          assert.deepEqual(chunks.flat(), items.map(fib));
          assert.deepEqual(chunks.map((chunk) => chunk.length), [...Array.from({ length: 14 }, () => 7), 2]);
          const single: number[][] = [];
          for await (const results of executor.mapChunks(tasks.echo, new Set(["a", "b"]))) single.push(results);
          assert.deepEqual(single, [["a"], ["b"]], "chunkSize defaults to 1, any iterable");
        }));

      it("yields chunks as completed with ordered: false", () =>
        withExecutor({ maxWorkers: 2, concurrentTasksPerWorker: 4 }, async (executor) => {
          const items = [300, 10, 200, 20];
          const results: number[][] = [];
          for await (const chunk of executor.mapChunks((ms: number) => new Promise<number>((resolve) => setTimeout(() => resolve(ms), ms)), items, { ordered: false })) {
            results.push(chunk);
          }
          assert.deepEqual(results.flat().sort((a, b) => a - b), [10, 20, 200, 300]);
          assert.ok(results.every((chunk) => chunk.length === 1));
          assert.notDeepEqual(results.flat(), items, "completion order differs from input order");
        }));

      it("never pulls more than `concurrency` items ahead of the consumer, from sync and async sources", () =>
        withExecutor({ maxWorkers: 2 }, async (executor) => {
          for (const kind of ["sync", "async"] as const) {
            let pulled = 0;
            let yielded = 0;
            let maxAhead = 0;
            function* items() {
              for (let index = 0; index < 40; index++) {
                pulled++;
                maxAhead = Math.max(maxAhead, pulled - yielded);
                yield index;
              }
            }
            async function* asyncItems() {
              yield* items();
            }
            const seen: number[] = [];
            for await (const chunk of executor.mapChunks(tasks.echo, kind === "sync" ? items() : asyncItems(), { chunkSize: 2, concurrency: 6 })) {
              yielded += chunk.length;
              seen.push(...chunk);
              await delay(2);
            }
            assert.deepEqual(seen, Array.from({ length: 40 }, (_, index) => index), kind);
            assert.ok(maxAhead <= 6, `${kind}: pulled ${maxAhead} items ahead`);
          }
        }));

      it("throws a chunk's error when its results are reached and cancels the chunks in flight", () =>
        withExecutor({ maxWorkers: 1, cancelGrace: 100 }, async (executor) => {
          const seen: number[][] = [];
          const chunks = executor.mapChunks((n: number) => {
            if (n === 3) throw new Error("three");
            if (n >= 5) return new Promise<number>((resolve) => setTimeout(() => resolve(n), 10_000));
            return n;
          }, [1, 2, 3, 4, 5, 6, 7, 8], { chunkSize: 2 });
          await assert.rejects(async () => {
            for await (const chunk of chunks) seen.push(chunk);
          }, /three/);
          assert.deepEqual(seen, [[1, 2]]);
          assert.deepEqual(await chunks.next(), { value: undefined, done: true }, "done after the error");
          const settled = async () => {
            while (executor.stats.running + executor.stats.queued > 0) await delay(10);
          };
          await within(settled(), 5_000, "the chunks after the error");
          assert.ok(executor.stats.cancelled >= 1, `cancelled ${executor.stats.cancelled}`);
        }));

      it("stops on abort, on a chunk timeout and on break, closing the source", () =>
        withExecutor({ maxWorkers: 1, cancelGrace: 100 }, async (executor) => {
          const controller = new AbortController();
          const seen: number[][] = [];
          await assert.rejects(async () => {
            for await (const chunk of executor.mapChunks(tasks.echo, [1, 2, 3, 4, 5, 6], { chunkSize: 2, concurrency: 2, signal: controller.signal })) {
              seen.push(chunk);
              controller.abort(new Error("enough"));
            }
          }, /enough/);
          assert.deepEqual(seen, [[1, 2]]);

          const timedOut = await rejection(
            (async () => {
              for await (const _ of executor.mapChunks((ms: number) => new Promise<number>((resolve) => setTimeout(() => resolve(ms), ms)), [5_000], { timeout: 50 })) assert.fail("yielded past its timeout");
            })(),
          );
          assert.ok(TimeoutError.isInstance(timedOut), `${timedOut.name}: ${timedOut.message}`);

          let closed = false;
          function* endless() {
            try {
              for (let index = 0; ; index++) yield index;
            } finally {
              closed = true;
            }
          }
          for await (const chunk of executor.mapChunks(tasks.echo, endless(), { chunkSize: 3, concurrency: 9 })) {
            assert.deepEqual(chunk, [0, 1, 2]);
            break;
          }
          assert.equal(closed, true, "break returns the source iterator");
        }));
    });

    describe("pool behaviour", () => {
      it("runs the initializer once per worker before its tasks", () =>
        withExecutor({ maxWorkers: 1, initializer: tasks.initialize, initArgs: ["db-connection"] }, async (executor) => {
          assert.equal(await within(executor.submit(tasks.readInitialized)), "db-connection");
        }));

      it("fails queued tasks with the cause when the initializer keeps failing", () =>
        withExecutor({ maxWorkers: 1, initializer: tasks.failInitialize }, async (executor) => {
          const error = await rejection(executor.submit(tasks.add, 1, 1));
          assert.ok(WorkerStartError.isInstance(error), `expected WorkerStartError, got ${error.name}`);
          assert.match(error.message, /cannot open the database/);
        }));

      it("refuses tasks past maxQueue with QueueFullError (maxQueue counts tasks waiting for a free slot)", () =>
        withExecutor({ maxWorkers: 1, maxQueue: 2 }, async (executor) => {
          // One task running (a distributed executor's job is only running once a host took it), two waiting.
          const first = executor.submit(tasks.sleep, 200);
          for (let waited = 0; first.state !== "running" && !first.done() && waited < 10_000; waited += 10) await delay(10);
          const accepted = [first, executor.submit(tasks.add, 1, 1), executor.submit(tasks.add, 2, 1)];
          const refused = executor.submit(tasks.add, 2, 2);
          assert.ok(QueueFullError.isInstance(await rejection(refused)));
          assert.deepEqual(await within(Promise.all(accepted)), [200, 2, 3]);
        }));

      it("replaces a worker after maxTasksPerWorker tasks", () =>
        withExecutor({ maxWorkers: 1, maxTasksPerWorker: 2 }, async (executor) => {
          const ids: number[] = [];
          for (let index = 0; index < 6; index++) ids.push(await within(executor.submit(tasks.whoami)));
          assert.equal(new Set(ids).size, 3, `worker ids ${ids.join(",")}`);
        }));

      // What spinMicroseconds promises is that everything still works (it is a CPU-for-latency trade, timed in internal/bench, not here).
      itOrSkip(!spins && "this executor has no spinMicroseconds option")("serves sequential calls, bursts, async tasks, cancels and crashes alike with spinMicroseconds", () =>
        withExecutor({ maxWorkers: 2, cancelGrace: 200, spinMicroseconds: 2000 }, async (executor) => {
          for (let index = 0; index < 50; index++) assert.equal(await within(executor.submit(tasks.add, index, 1)), index + 1);
          const burst = Array.from({ length: 300 }, (_, index) => executor.submit(tasks.add, index, index));
          assert.deepEqual(await within(Promise.all(burst)), Array.from({ length: 300 }, (_, index) => 2 * index));
          const waiting = executor.submit(tasks.waitForAbort);
          assert.equal(await within(executor.submit(tasks.add, 2, 2)), 4);
          assert.equal(waiting.cancel(), true);
          assert.equal((await rejection(waiting)).name, "CancelledError");
          if (capabilities.crashIsolation) {
            const crashed = await rejection(executor.submit(tasks.exit, 3));
            assert.ok(WorkerCrashedError.isInstance(crashed), `expected WorkerCrashedError, got ${crashed.name}: ${crashed.message}`);
          }
          assert.equal(await within(executor.submit(tasks.add, 20, 22)), 42);
        }));

      // callerSpinMicroseconds: the caller takes results synchronously where it can; every outcome must be what the event-loop path gives.
      itOrSkip(!callerSpins && "this executor has no callerSpinMicroseconds option")("serves sequential calls, progress, slow tasks, errors, timeouts, cancels, bursts and crashes alike with callerSpinMicroseconds", () =>
        withExecutor({ maxWorkers: 2, cancelGrace: 200, callerSpinMicroseconds: 5000 }, async (executor) => {
          for (let index = 0; index < 50; index++) assert.equal(await within(executor.submit(tasks.add, index, 1)), index + 1);
          // Small values may travel in shared memory (a spin lane) instead of a message: each must come back exactly as sent.
          const values = [0, -0, NaN, -Infinity, 2 ** 53 + 2, 1.5e-300, true, false, null, undefined, "", "é", "x".repeat(128), "x".repeat(129), "\u{1F600}".repeat(64), "\ud800", { a: 1 }, [1, 2], new Uint8Array([7])];
          for (const value of values) assert.deepStrictEqual(await within(executor.submit(tasks.echo, value)), value);
          for (let index = 0; index < 20; index++) assert.equal(await within(executor.submit(async (n: number) => n + 1, index)), index + 1);
          assert.equal(typeof (await within(executor.submit(tasks.whoami))), "number");
          const seen: unknown[] = [];
          assert.equal(await within(executor.run(tasks.reportProgress, [3], { onProgress: (value) => seen.push(value) })), 3);
          assert.deepEqual(seen, [1, 2, 3]);
          // Longer than the spin: it comes back through the event loop.
          assert.equal(await within(executor.submit(tasks.sleep, 30)), 30);
          assert.equal((await rejection(executor.submit(tasks.throwTypeError, "spun"))).name, "TypeError");
          assert.equal((await rejection(executor.run(tasks.waitForAbort, [], { timeout: 20 }))).name, "TimeoutError");
          const waiting = executor.submit(tasks.waitForAbort);
          assert.equal(await within(executor.submit(tasks.add, 2, 2)), 4);
          assert.equal(waiting.cancel(), true);
          assert.equal((await rejection(waiting)).name, "CancelledError");
          const burst = Array.from({ length: 300 }, (_, index) => executor.submit(tasks.add, index, index));
          assert.deepEqual(await within(Promise.all(burst)), Array.from({ length: 300 }, (_, index) => 2 * index));
          if (capabilities.crashIsolation) {
            const crashed = await rejection(executor.submit(tasks.exit, 3));
            assert.ok(WorkerCrashedError.isInstance(crashed), `expected WorkerCrashedError, got ${crashed.name}: ${crashed.message}`);
          }
          if (capabilities.terminatesBusyLoop) {
            // A lone task with no argument (it may travel in shared memory) that never returns: cancel stops its worker.
            const forever = executor.submit(tasks.spin);
            await delay(20);
            assert.ok(forever.cancel());
            assert.ok(CancelledError.isInstance(await rejection(forever)));
          }
          assert.equal(await within(executor.submit(tasks.add, 20, 22)), 42);
          assert.equal(await within(executor.submit(tasks.echo, 7)), 7);
          const stats = executor.stats;
          assert.equal(stats.submitted, stats.completed + stats.failed + stats.cancelled + stats.queued + stats.running);
        }));

      itOrSkip(!capabilities.crashIsolation && "a crash here takes down the caller too")("fails only the task of a worker that exits, then keeps serving", () =>
        withExecutor({ maxWorkers: 1 }, async (executor) => {
          const error = await rejection(executor.submit(tasks.exit, 7));
          assert.ok(WorkerCrashedError.isInstance(error), `expected WorkerCrashedError, got ${error.name}: ${error.message}`);
          assert.equal(await within(executor.submit(tasks.add, 20, 22)), 42);
        }));

      itOrSkip(!capabilities.crashIsolation && "a crash here takes down the caller too")("fails only the task of a worker hit by an uncaught error, with the error as cause", () =>
        withExecutor({ maxWorkers: 1 }, async (executor) => {
          const error = await rejection(executor.submit(tasks.crashInTimer));
          assert.ok(WorkerCrashedError.isInstance(error), `expected WorkerCrashedError, got ${error.name}: ${error.message}`);
          assert.match(error.message, /uncaught in a timer/);
          assert.equal(await within(executor.submit(tasks.add, 1, 2)), 3);
        }));

      it("keeps stats that add up", () =>
        withExecutor({ maxWorkers: 2 }, async (executor) => {
          await within(Promise.all([executor.submit(tasks.add, 1, 1), executor.submit(tasks.add, 2, 2)]));
          await rejection(executor.submit(tasks.throwTypeError, "x"));
          const pending = executor.submit(tasks.sleep, 10);
          const stats = executor.stats;
          assert.equal(stats.submitted, stats.completed + stats.failed + stats.cancelled + stats.queued + stats.running);
          assert.equal(stats.completed, 2);
          assert.equal(stats.failed, 1);
          assert.ok(stats.workers >= 1 && stats.workers <= 2);
          await within(pending);
          assert.equal(executor.stats.completed, 3);
        }));
    });

    describe("shutdown", () => {
      for (const method of ["terminateWorkers", "killWorkers"] as const) {
        itOrSkip(!stopsWorkers && "this executor has no workers of its own to stop (its workers are elsewhere)")(`${method}() stops every worker now (Python 3.14): running and pending Futures reject with CancelledError, the executor is shut down`, async () => {
          const executor = createExecutor({ maxWorkers: 2 }) as ContractExecutor & Partial<Record<typeof method, () => Promise<void>>>;
          const running = [executor.submit(tasks.waitForAbort), executor.submit(tasks.waitForAbort)];
          const pending = Array.from({ length: 5 }, () => executor.submit(tasks.add, 1, 1));
          await within(executor[method]!(), 30_000, method);
          for (const future of [...running, ...pending]) assert.ok(CancelledError.isInstance(await rejection(future)), `${future.state}`);
          assert.equal(executor.stats.workers, 0);
          assert.ok(ExecutorShutdownError.isInstance(await rejection(executor.submit(tasks.add, 1, 1))));
          await within(executor.shutdown(), 5_000, "a shutdown after it");
        });
      }

      it("waits for running and queued tasks, then refuses new ones", async () => {
        const executor = createExecutor({ maxWorkers: 1 });
        const futures = Array.from({ length: 20 }, (_, index) => executor.submit(tasks.add, index, 0));
        await within(executor.shutdown(), 30_000, "shutdown");
        assert.ok(futures.every((future) => future.state === "fulfilled"));
        assert.equal(executor.stats.workers, 0);
        const late = await rejection(executor.submit(tasks.add, 1, 1));
        assert.ok(ExecutorShutdownError.isInstance(late));
        await within(executor.shutdown(), 5_000, "a second shutdown");
      });

      it("cancels pending tasks with cancelPending and lets running ones finish", async () => {
        const executor = createExecutor({ maxWorkers: 1 });
        const running = executor.submit(tasks.sleep, 150);
        await delay(50);
        const queued = Array.from({ length: 5 }, () => executor.submit(tasks.add, 1, 1));
        // A task handed to a free worker is running (on InlineExecutor the first task has finished by now).
        const wasPending = queued.map((future) => future.state === "pending");
        assert.ok(wasPending.filter(Boolean).length >= 4, `states before shutdown: ${queued.map((future) => future.state).join(", ")}`);
        await within(executor.shutdown({ cancelPending: true }), 30_000, "shutdown");
        assert.equal(await within(running), 150);
        for (const [index, future] of queued.entries()) {
          if (wasPending[index]) assert.ok(CancelledError.isInstance(await rejection(future)));
          else assert.equal(await within(future), 2);
        }
      });

      it("shuts down on [Symbol.asyncDispose] (await using)", async () => {
        const executor = createExecutor({ maxWorkers: 1 });
        const future = executor.submit(tasks.add, 1, 2);
        await within(executor[Symbol.asyncDispose](), 30_000, "dispose");
        assert.equal(await future, 3);
        assert.ok(ExecutorShutdownError.isInstance(await rejection(executor.submit(tasks.add, 1, 1))));
      });
    });
  });
}

/** Whether the executor accepts these options (e.g. one the pool engine has and another executor does not). */
function acceptsOption(createExecutor: ContractSuiteOptions["createExecutor"], options: PoolOptions): boolean {
  try {
    void createExecutor(options).shutdown();
    return true;
  } catch {
    return false;
  }
}

export { runReliabilitySuite, type ReliabilitySuiteOptions } from "./reliability.ts";
export { isAlive, survivorsAfter } from "./processes.ts";
export { describeOrSkip, itOrSkip, type SkipReason } from "./skip.ts";
export { runSharedMemorySuite, type MakeExecutor } from "./shared-memory.ts";
