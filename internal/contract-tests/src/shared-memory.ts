/**
 * The shared-memory suite: offloop/shared primitives (Mutex, Barrier, Channel)
 * as task arguments, on every executor. Where workers share memory (threads)
 * they must arrive working and coordinate the tasks; where they do not
 * (processes, BullMQ) the Future must reject with SharedMemoryUnavailableError.
 * Every assertion is on results: no test depends on timing.
 */
import { describe, it } from "vitest";
import assert from "node:assert/strict";
import { MutexPoisonedError, SharedMemoryUnavailableError, WorkerCrashedError, type PoolOptions, type SpawnerCapabilities } from "@offloop/core";
import { Barrier, Channel, Mutex, SharedSemaphore } from "@offloop/core/shared";
// @ts-types="../dist/shared-tasks.d.ts"
import tasks from "../dist/shared-tasks.js";
import type { ContractExecutor } from "./index.ts";
import { rejection, within } from "./within.ts";

/** Makes a fresh executor for the suite (it passes maxWorkers and such). */
export type MakeExecutor = (options?: PoolOptions) => ContractExecutor;

/** Runs `body` with a fresh executor and always shuts it down. */
async function withExecutor(make: MakeExecutor, options: PoolOptions, body: (executor: ContractExecutor) => Promise<void>): Promise<void> {
  const executor = make(options);
  try {
    await body(executor);
  } finally {
    await within(executor.shutdown({ cancelPending: true }), 30_000, "shutdown");
  }
}

/** Resolves once `view[index]` is not `value` any more, without blocking the event loop. */
async function until(view: Int32Array, index: number, value: number): Promise<void> {
  while (Atomics.load(view, index) === value) {
    // Typed here: the repository's lib (ES2023) predates Atomics.waitAsync, which every runtime under test has.
    const waitAsync = (Atomics as unknown as { waitAsync(view: Int32Array, index: number, value: number, ms: number): { async: boolean; value: Promise<string> | string } }).waitAsync;
    const result = waitAsync(view, index, value, 100);
    if (result.async) await result.value;
  }
}

/**
 * Registers the shared-memory tests for one executor. `capabilities` defaults
 * to the executor's own (`sharedMemory`, `crashIsolation`).
 *
 * @example
 * ```ts
 * import { runSharedMemorySuite } from "@offloop/contract-tests";
 * import { ThreadPoolExecutor } from "@offloop/node-worker-threads";
 * runSharedMemorySuite("node-worker-threads", (options) => new ThreadPoolExecutor(options));
 * ```
 */
export function runSharedMemorySuite(name: string, make: MakeExecutor, capabilities?: Partial<SpawnerCapabilities>): void {
  const probe = make({ maxWorkers: 1 });
  const can = { sharedMemory: true, crashIsolation: true, ...probe.capabilities, ...capabilities };
  void probe.shutdown();

  if (!can.sharedMemory) {
    describe(`offloop/shared: ${name} (no shared memory)`, () => {
      it("rejects a task given a primitive with SharedMemoryUnavailableError that says to use a ThreadPoolExecutor", () =>
        withExecutor(make, { maxWorkers: 1 }, async (executor) => {
          const counter = new Int32Array(4);
          const error = await rejection(executor.submit(tasks.incrementNested, { locks: [new Mutex()] }, counter, 1));
          assert.ok(SharedMemoryUnavailableError.isInstance(error), `expected SharedMemoryUnavailableError, got ${error.name}: ${error.message}`);
          assert.match(error.message, /args\[0\]\.locks\[0\] \(a Mutex\)/);
          assert.match(error.message, /ThreadPoolExecutor/);
          const channel = await rejection(executor.run(tasks.consume, [new Channel(1)]));
          assert.equal(channel.name, "SharedMemoryUnavailableError");
          // Other tasks still run.
          assert.deepEqual(await within(executor.submit(tasks.phases as never, null, null, 0)), []);
        }));
    });
    return;
  }

  describe(`offloop/shared: ${name}`, () => {
    it("4 tasks x 20,000 increments of a plain Int32Array slot under a Mutex add up exactly", () =>
      withExecutor(make, { maxWorkers: 4 }, async (executor) => {
        const mutex = new Mutex();
        const counter = new Int32Array(new SharedArrayBuffer(4));
        const done = await within(Promise.all([0, 1, 2, 3].map(() => executor.submit(tasks.increment, mutex, counter, 20_000))), 60_000);
        assert.deepEqual(done, [20_000, 20_000, 20_000, 20_000]);
        assert.equal(counter[0], 80_000);
        assert.equal(mutex.locked, false);
      }));

    it("primitives arrive as instances of the classes the task module imports from @offloop/core/shared", () =>
      withExecutor(make, { maxWorkers: 1 }, async (executor) => {
        // A plain argument first, then the primitives on the same worker.
        assert.deepEqual(await within(executor.submit(tasks.kinds, [1])), ["number"]);
        const primitives = [new Mutex(), new Barrier(2), new Channel(2), new SharedSemaphore(1), 0];
        assert.deepEqual(await within(executor.submit(tasks.kinds, primitives)), ["Mutex", "Barrier", "Channel", "SharedSemaphore", "number"]);
      }));

    it("a Mutex inside objects and arrays arrives working, and the caller takes turns with lockAsync", () =>
      withExecutor(make, { maxWorkers: 2 }, async (executor) => {
        const mutex = new Mutex();
        const counter = new Int32Array(new SharedArrayBuffer(4));
        const futures = [executor.submit(tasks.incrementNested, { locks: [mutex] }, counter, 5_000), executor.submit(tasks.incrementNested, { locks: [mutex] }, counter, 5_000)];
        for (let index = 0; index < 200; index++) {
          using guard = await mutex.lockAsync();
          counter[0] = counter[0]! + 1;
        }
        await within(Promise.all(futures));
        assert.equal(counter[0], 10_200);
      }));

    it("Barrier: no task starts a phase before every task finished the one before", () =>
      withExecutor(make, { maxWorkers: 3 }, async (executor) => {
        const parties = 3;
        const phases = 5;
        const barrier = new Barrier(parties);
        const started = new Int32Array(new SharedArrayBuffer(4 * phases));
        const seen = await within(Promise.all(Array.from({ length: parties }, () => executor.submit(tasks.phases, barrier, started, phases))));
        for (const perTask of seen) assert.deepEqual(perTask, Array(phases).fill(parties));
      }));

    it("Barrier: the calling thread takes part with waitAsync", () =>
      withExecutor(make, { maxWorkers: 2 }, async (executor) => {
        const barrier = new Barrier(3);
        const started = new Int32Array(new SharedArrayBuffer(4 * 2));
        const futures = [executor.submit(tasks.phases, barrier, started, 2), executor.submit(tasks.phases, barrier, started, 2)];
        for (let phase = 0; phase < 2; phase++) {
          Atomics.add(started, phase, 1);
          await within(barrier.waitAsync());
          assert.equal(Atomics.load(started, phase), 3);
        }
        assert.deepEqual(await within(Promise.all(futures)), [[3, 3], [3, 3]]);
      }));

    it("Channel of capacity 8 from a producer task to two consumer tasks loses and duplicates nothing", () =>
      withExecutor(make, { maxWorkers: 3 }, async (executor) => {
        const channel = new Channel<number>(8);
        const consumers = [executor.submit(tasks.consume, channel), executor.submit(tasks.consume, channel)];
        assert.equal(await within(executor.submit(tasks.produceAndClose, channel, 2_000)), 2_000);
        const received = (await within(Promise.all(consumers))).flat() as number[];
        assert.equal(received.length, 2_000);
        assert.deepEqual([...received].sort((a, b) => a - b), Array.from({ length: 2_000 }, (_, index) => index));
      }));

    it("Channel between the caller and tasks: sendAsync to consumers, for await from producers", () =>
      withExecutor(make, { maxWorkers: 2 }, async (executor) => {
        const jobs = new Channel<{ n: number; tags: Set<string> }>(4);
        const consumers = [executor.submit(tasks.consume, jobs), executor.submit(tasks.consume, jobs)];
        for (let n = 0; n < 100; n++) await jobs.sendAsync({ n, tags: new Set([`t${n}`]) });
        jobs.close();
        const received = (await within(Promise.all(consumers))).flat() as { n: number; tags: Set<string> }[];
        assert.deepEqual(received.map((job) => job.n).sort((a, b) => a - b), Array.from({ length: 100 }, (_, n) => n));
        assert.ok(received.every((job) => job.tags instanceof Set && job.tags.has(`t${job.n}`)));

        const results = new Channel<number>(8);
        const producers = [executor.submit(tasks.produce, results, 0, 300), executor.submit(tasks.produce, results, 1_000, 300)];
        const all = Promise.all(producers).then(() => results.close());
        const seen: number[] = [];
        for await (const value of results) seen.push(value);
        await within(all);
        assert.equal(seen.length, 600);
        assert.equal(new Set(seen).size, 600);
      }));

    it.skipIf(!can.crashIsolation)("a task that dies holding a Mutex poisons it: waiting and later lock() calls throw MutexPoisonedError", () =>
      withExecutor(make, { maxWorkers: 2 }, async (executor) => {
        const mutex = new Mutex();
        const flags = new Int32Array(new SharedArrayBuffer(8));
        const dying = executor.submit(tasks.lockAndDie, mutex, flags);
        await within(until(flags, 0, 0), 20_000, "the task taking the mutex");
        assert.equal(mutex.locked, true);
        const waiter = executor.submit(tasks.tryToLock, mutex);
        Atomics.store(flags, 1, 1);
        Atomics.notify(flags, 1);
        const crash = await rejection(dying);
        assert.ok(WorkerCrashedError.isInstance(crash), `expected WorkerCrashedError, got ${crash.name}: ${crash.message}`);
        assert.equal(await within(waiter), "MutexPoisonedError");
        assert.equal(mutex.poisoned, true);
        const error = await rejection(mutex.lockAsync());
        assert.ok(MutexPoisonedError.isInstance(error));
        assert.equal(await within(executor.submit(tasks.tryToLock, mutex)), "MutexPoisonedError");
        mutex.clearPoison();
        assert.equal(await within(executor.submit(tasks.tryToLock, mutex)), "locked");
      }));
  });
}
