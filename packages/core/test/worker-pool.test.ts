// WorkerPool, unit by unit, on simulated workers (test/simulated-workers.ts: the real `serve` on this
// thread, messages copied and delivered on microtasks) with the manual clock: shutdown, terminate/kill,
// recycling, minWorkers, idle reaping, initializers, start failures, refused arguments, progress,
// call sites, maxQueue, stats, map. Every assertion is about what a user sees: results, error classes
// and messages, stats, and what a worker receives.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import {
  OP,
  CancelledError,
  ExecutorShutdownError,
  manualClock,
  QueueFullError,
  TaskArgumentError,
  TimeoutError,
  WorkerCrashedError,
  WorkerPool,
  WorkerStartError,
  PROTOCOL_VERSION,
  type PoolOptions,
  type TaskContext,
} from "@offloop/core";
import { taskContext } from "@offloop/core/worker";
import { Mutex, SharedMemoryUnavailableError } from "@offloop/core/shared";
import { macrotask, recordsOf, simulatedWorkers, until, type SimulatedWorkersOptions } from "./simulated-workers.ts";

type Gate = { promise: Promise<unknown>; resolve: (value?: unknown) => void };
type Host = typeof globalThis & {
  __gates: Map<string, Gate>;
  __context: () => TaskContext;
  __exit: (code: number) => never;
  __log: unknown[];
};
const host = globalThis as Host;

// Self-contained task functions: sent as source and compiled in the simulated worker, where they
// reach the test through globals (the "worker" runs on this thread).
const hold = (key: string): Promise<unknown> => (globalThis as Host).__gates.get(key)!.promise;
const whoAmI = (): number => (globalThis as Host).__context().workerId;
const exitWith = (code: number): never => {
  (globalThis as Host).__context(); // taskContext() is read synchronously at the start
  return (globalThis as Host).__exit(code);
};
const double = (n: number): number => n * 2;
const boom = (message: string): never => {
  throw new TypeError(message);
};
const report = (values: number[]): number => {
  const { progress } = (globalThis as Host).__context();
  for (const value of values) progress(value);
  return values.length;
};
const cooperative = (): Promise<never> => {
  const { signal } = (globalThis as Host).__context();
  return new Promise((_, reject) => signal.addEventListener("abort", () => reject(signal.reason), { once: true }));
};
const never = (): Promise<never> => new Promise(() => {});
const logArgs = (...args: unknown[]): void => void (globalThis as Host).__log.push(args);
const failInit = (): never => {
  throw new Error("no database");
};

/** Opens a gate: `hold(key)` resolves with `value ?? key`. */
function gate(key: string): (value?: unknown) => void {
  let resolve!: (value?: unknown) => void;
  const promise = new Promise((done) => (resolve = done));
  host.__gates.set(key, { promise, resolve });
  return (value) => resolve(value ?? key);
}

function setup(options: PoolOptions = {}, sim: SimulatedWorkersOptions = {}) {
  const clock = manualClock();
  const workers = simulatedWorkers(sim);
  host.__exit = (code) => workers.exitTask(code);
  const pool = new WorkerPool({ clock, ...options }, workers.spawner);
  return { pool, clock, workers };
}

const outcome = (future: PromiseLike<unknown>) =>
  Promise.resolve(future).then(
    (value) => ({ value }),
    (error: Error) => ({ error }),
  );

async function rejection(future: PromiseLike<unknown>): Promise<Error> {
  const result = await outcome(future);
  if (!("error" in result)) throw new Error(`expected a rejection, got ${JSON.stringify(result.value)}`);
  return result.error;
}

/** Lets time pass on the manual clock, 100 ms a turn, until `done()` (at most 20 turns). */
async function passTime(clock: { advance(ms: number): void }, done: () => boolean): Promise<void> {
  for (let round = 0; round < 20 && !done(); round++) {
    await macrotask();
    clock.advance(100);
  }
}

const idleStats = { workers: 0, idle: 0, queued: 0, running: 0, submitted: 0, completed: 0, failed: 0, cancelled: 0 };

beforeEach(() => {
  host.__gates = new Map();
  host.__context = taskContext;
  host.__log = [];
});

describe("WorkerPool: results and stats", () => {
  it("runs tasks and counts each step in stats", async () => {
    const { pool } = setup({ maxWorkers: 1 });
    expect(pool.stats).toEqual(idleStats);
    const openA = gate("a");
    const openB = gate("b");
    const a = pool.submit(hold, "a");
    // Handed to a free worker at once: running, not queued.
    expect(pool.stats).toEqual({ ...idleStats, workers: 1, running: 1, submitted: 1 });
    expect(a.state).toBe("running");
    const b = pool.submit(hold, "b");
    expect(pool.stats).toEqual({ ...idleStats, workers: 1, running: 1, queued: 1, submitted: 2 });
    expect(b.state).toBe("pending");
    openA();
    expect(await a).toBe("a");
    await until(() => b.state === "running");
    expect(pool.stats).toEqual({ ...idleStats, workers: 1, running: 1, submitted: 2, completed: 1 });
    openB(42);
    expect(await b).toBe(42);
    await until(() => pool.stats.idle === 1);
    expect(pool.stats).toEqual({ ...idleStats, workers: 1, idle: 1, submitted: 2, completed: 2 });
    const error = await rejection(pool.submit(boom, "bad input"));
    expect(error).toBeInstanceOf(TypeError);
    expect(error.message).toBe("bad input");
    expect(pool.stats).toMatchObject({ submitted: 3, completed: 2, failed: 1 });
    await pool.shutdown();
    expect(pool.stats).toEqual({ ...idleStats, submitted: 3, completed: 2, failed: 1 });
  });

  it("a worker first receives hello with its id and concurrency, then the task's definition and the run", async () => {
    const { pool, workers } = setup({ maxWorkers: 1, concurrentTasksPerWorker: 3 });
    expect(await pool.submit(double, 21)).toBe(42);
    const [worker] = workers.spawned;
    const [hello] = worker!.records("hello");
    expect(hello!.slice(0, 4)).toEqual(["hello", PROTOCOL_VERSION, 0, 3]);
    expect(worker!.records("source")).toEqual([["source", expect.any(Number), double.toString()]]);
    expect(worker!.records("run")).toEqual([["run", expect.any(Number), expect.any(Number), [21], 0]]);
    // The definition travels once per worker.
    expect(await pool.submit(double, 1)).toBe(2);
    expect(worker!.records("source")).toHaveLength(1);
    await pool.shutdown();
  });

  it("a task with one argument travels as a run1 record (the argument unwrapped), others as run records", async () => {
    const { pool, workers } = setup({ maxWorkers: 1 });
    expect(await pool.submit(double, 21)).toBe(42);
    expect(await pool.submit((a: number[], b?: number) => a.length + (b ?? 0), [1, 2, 3])).toBe(3);
    expect(await pool.submit((a: number, b: number) => a + b, 1, 2)).toBe(3);
    expect(await pool.submit(() => 7)).toBe(7);
    const runs = workers.spawned[0]!.received.flatMap(recordsOf).filter((record) => String(record[0]).startsWith("run"));
    expect(runs.map((record) => [record[0], record[3]])).toEqual([["run1", 21], ["run1", [1, 2, 3]], ["run", [1, 2]], ["run", []]]);
    await pool.shutdown();
  });

  it("a lone argument is taken when the task is submitted: changing the caller's args array afterwards changes nothing", async () => {
    const { pool } = setup({ maxWorkers: 1 });
    const open = gate("busy");
    const busy = pool.submit(hold, "busy");
    const args: [number] = [21];
    const queued = pool.run(double, args);
    args[0] = 1000;
    open();
    expect(await Promise.all([busy, queued])).toEqual(["busy", 42]);
    await pool.shutdown();
  });

  it("concurrentTasksPerWorker runs that many tasks at once in one worker", async () => {
    const { pool, workers } = setup({ maxWorkers: 1, concurrentTasksPerWorker: 2 });
    const open = [gate("a"), gate("b")];
    const futures = [pool.submit(hold, "a"), pool.submit(hold, "b")];
    await until(() => futures.every((future) => future.state === "running"));
    expect(pool.stats).toMatchObject({ workers: 1, running: 2, queued: 0 });
    for (const release of open) release();
    expect(await Promise.all(futures)).toEqual(["a", "b"]);
    expect(workers.spawned).toHaveLength(1);
    await pool.shutdown();
  });

  it("a task that exits its worker fails alone with WorkerCrashedError; the pool serves on", async () => {
    const { pool } = setup({ maxWorkers: 1 });
    const error = await rejection(pool.submit(exitWith, 3));
    expect(error).toBeInstanceOf(WorkerCrashedError);
    expect(error.message).toBe("Worker 0 exited with code 3 while running this task");
    expect(await pool.submit(double, 4)).toBe(8);
    expect(pool.stats).toMatchObject({ workers: 1, completed: 1, failed: 1 });
    await pool.shutdown();
  });

  it("a killed worker fails its running task with WorkerCrashedError and requeues the rest", async () => {
    const { pool, workers } = setup({ maxWorkers: 1 });
    gate("a");
    const a = pool.submit(hold, "a");
    const b = pool.submit(double, 5);
    await macrotask();
    workers.kill(0);
    const error = await rejection(a);
    expect(error).toBeInstanceOf(WorkerCrashedError);
    expect(error.message).toBe("Worker 0 exited with code 9 while running this task");
    expect(await b).toBe(10);
    expect(workers.spawned).toHaveLength(2);
    await pool.shutdown();
  });

  it("a message the pool cannot read retires the worker; what was read before it counts", async () => {
    let corrupt = true;
    const { pool, workers } = setup({ maxWorkers: 1 }, { toPool: (message) => (corrupt && recordsOf(message).some((record) => record[0] === "ok") ? [...message, 99, 1] : message) });
    expect(await pool.submit(double, 1)).toBe(2);
    await until(() => workers.spawned[0]!.alive === false, "the worker retired");
    corrupt = false;
    expect(await pool.submit(double, 2)).toBe(4);
    expect(workers.spawned).toHaveLength(2);
    await pool.shutdown();
  });

  it("the spawner's defaultIdleTimeout and defaultMaxWorkers apply unless the options say otherwise", async () => {
    const clock = manualClock();
    const sim = simulatedWorkers({ defaultIdleTimeout: 500, defaultMaxWorkers: 3 });
    const pool = new WorkerPool({ clock }, sim.spawner);
    expect(pool.options).toMatchObject({ idleTimeout: 500, maxWorkers: 3 });
    expect(Object.isFrozen(pool.options)).toBe(true);
    expect(pool.capabilities.transfer).toBe(true);
    expect(new WorkerPool({ clock, idleTimeout: 7 }, sim.spawner).options.idleTimeout).toBe(7);
    await pool.shutdown();
  });

  it("checks its arguments where the user called it", () => {
    const { pool } = setup();
    expect(() => pool.run(double, 1 as never)).toThrow(new TypeError("Expected args to be an array of arguments, got 1"));
    expect(() => pool.run(double, [1], { timeout: -1 })).toThrow(RangeError);
    expect(() => pool.run(double, [1], { onProgress: 1 as never })).toThrow(new TypeError("Expected onProgress to be a function, got 1"));
    expect(() => pool.run(double, [1], { signal: {} as never })).toThrow(new TypeError("Expected signal to be an AbortSignal, got an object"));
    expect(() => pool.run(double, [1], { transfer: "buffer" as never })).toThrow(new TypeError('Expected transfer to be an array of transferable objects, got "buffer"'));
    expect(() => pool.run(double, [1], null as never)).toThrow(new TypeError("Expected options to be an object, got null"));
    expect(() => pool.submit(42 as never)).toThrow(/Expected task to be a task handle from defineTasks or a function, got 42/);
    expect(() => new WorkerPool({ bogus: 1 } as never, simulatedWorkers().spawner)).toThrow(/Unknown option "bogus"/);
  });
});

describe("WorkerPool: shutdown", () => {
  it("shutdown() waits for running and queued tasks, then every worker has exited; later submits are refused", async () => {
    const { pool, workers } = setup({ maxWorkers: 1 });
    const openA = gate("a");
    const openB = gate("b");
    const a = pool.submit(hold, "a");
    const b = pool.submit(hold, "b");
    let finished = false;
    const done = pool.shutdown().then(() => (finished = true));
    const late = await rejection(pool.submit(double, 1));
    expect(late).toBeInstanceOf(ExecutorShutdownError);
    expect(late.message).toBe('Cannot submit a task: executor "offloop" is shut down');
    openA();
    expect(await a).toBe("a");
    await macrotask();
    expect(finished).toBe(false);
    openB();
    expect(await b).toBe("b");
    await done;
    expect(pool.stats).toMatchObject({ workers: 0, completed: 2, failed: 1, submitted: 3 });
    expect(workers.live.size).toBe(0);
    // Again: harmless.
    await pool.shutdown();
    await pool[Symbol.asyncDispose]();
  });

  it("shutdown({ cancelPending: true }) cancels what has not started; the running task finishes", async () => {
    const { pool } = setup({ maxWorkers: 1, name: "jobs" });
    const open = gate("a");
    const a = pool.submit(hold, "a");
    const b = pool.submit(double, 2);
    const done = pool.shutdown({ cancelPending: true });
    const error = await rejection(b);
    expect(error).toBeInstanceOf(CancelledError);
    expect(error.message).toBe('Executor "jobs" shut down before the task started');
    open();
    expect(await a).toBe("a");
    await done;
    expect(pool.stats).toMatchObject({ workers: 0, completed: 1, cancelled: 1 });
  });

  it("shutdown({ wait: false }) resolves at once; the running task still finishes and the worker then exits", async () => {
    const { pool, workers } = setup({ maxWorkers: 1 });
    const open = gate("a");
    const a = pool.submit(hold, "a");
    await pool.shutdown({ wait: false });
    expect(a.done()).toBe(false);
    open();
    expect(await a).toBe("a");
    await until(() => workers.live.size === 0, "the worker exited");
    expect(pool.stats.workers).toBe(0);
  });

  it("checks shutdown's options", () => {
    const { pool } = setup();
    expect(() => pool.shutdown({ wait: "yes" as never })).toThrow(new TypeError('Expected wait to be a boolean, got "yes"'));
    expect(() => pool.shutdown({ cancelPending: 1 as never })).toThrow(new TypeError("Expected cancelPending to be a boolean, got 1"));
  });

  for (const method of ["terminateWorkers", "killWorkers"] as const) {
    it(`${method}() cancels running and pending tasks (CancelledError), stops every worker and shuts the executor down`, async () => {
      const { pool, workers } = setup({ maxWorkers: 2, name: "crunch" });
      gate("a");
      gate("b");
      const running = [pool.submit(hold, "a"), pool.submit(hold, "b")];
      const pending = pool.submit(double, 3);
      await macrotask();
      expect(pool.stats).toMatchObject({ workers: 2, running: 2, queued: 1 });
      await pool[method]();
      const verb = method === "terminateWorkers" ? "terminated" : "killed";
      for (const future of [...running, pending]) {
        const error = await rejection(future);
        expect(error).toBeInstanceOf(CancelledError);
        expect(error.message).toBe(`Executor "crunch": its workers were ${verb} (${method})`);
      }
      expect(pool.stats).toEqual({ ...idleStats, submitted: 3, cancelled: 3 });
      expect(workers.live.size).toBe(0);
      expect(await rejection(pool.submit(double, 1))).toBeInstanceOf(ExecutorShutdownError);
    });
  }
});

describe("WorkerPool: worker lifecycle", () => {
  it("maxTasksPerWorker recycles a worker after that many tasks", async () => {
    const { pool, workers } = setup({ maxWorkers: 1, maxTasksPerWorker: 2 });
    const ids: number[] = [];
    for (let index = 0; index < 5; index++) ids.push(await pool.submit(whoAmI));
    expect(ids).toEqual([0, 0, 1, 1, 2]);
    await until(() => workers.spawned[1]!.alive === false);
    expect(workers.spawned[0]!.alive).toBe(false);
    await pool.shutdown();
  });

  it("minWorkers start at construction, are never reaped, and are replaced when one dies", async () => {
    const { pool, clock, workers } = setup({ maxWorkers: 3, minWorkers: 2, idleTimeout: 1000 });
    expect(pool.stats).toMatchObject({ workers: 2, idle: 2 });
    expect(workers.spawned.map((worker) => worker.workerId)).toEqual([0, 1]);
    clock.advance(5000);
    await macrotask();
    expect(pool.stats.workers).toBe(2);
    workers.kill(0);
    await until(() => workers.spawned.length === 3, "a replacement started");
    expect(pool.stats.workers).toBe(2);
    await pool.shutdown();
    expect(pool.stats.workers).toBe(0);
  });

  it("an idle worker is reaped after idleTimeout on the pool's clock", async () => {
    const { pool, clock, workers } = setup({ maxWorkers: 2, idleTimeout: 1000 });
    expect(await pool.submit(double, 1)).toBe(2);
    await macrotask();
    expect(pool.stats).toMatchObject({ workers: 1, idle: 1 });
    clock.advance(999);
    await macrotask();
    expect(pool.stats.workers).toBe(1);
    clock.advance(1);
    await until(() => pool.stats.workers === 0, "the idle worker was reaped");
    expect(workers.spawned[0]!.alive).toBe(false);
    // The next task starts a new worker.
    expect(await pool.submit(whoAmI)).toBe(1);
    await pool.shutdown();
  });

  it("an initializer runs once in each worker with initArgs, before any task", async () => {
    const open = gate("init");
    const initializer = (tag: string) => {
      (globalThis as Host).__log.push(`init ${tag}`);
      return (globalThis as Host).__gates.get("init")!.promise;
    };
    const { pool, workers } = setup({ maxWorkers: 1, initializer, initArgs: ["db"] });
    const future = pool.submit(logArgs, "task");
    await macrotask();
    expect(host.__log).toEqual(["init db"]);
    expect(future.done()).toBe(false);
    open();
    await future;
    expect(host.__log).toEqual(["init db", ["task"]]);
    expect(workers.spawned[0]!.records("init")).toEqual([["init", expect.any(Number), ["db"]]]);
    await pool.shutdown();
  });

  it("initArgs that cannot be sent are refused at construction with TaskArgumentError naming the path", () => {
    const sim = simulatedWorkers();
    expect(() => new WorkerPool({ initializer: logArgs, initArgs: [{ onReady() {} }] }, sim.spawner)).toThrow(TaskArgumentError);
    expect(() => new WorkerPool({ initializer: logArgs, initArgs: [{ onReady() {} }] }, sim.spawner)).toThrow(
      "Cannot use initArgs: initArgs[0].onReady is a function (onReady). Only structured-cloneable values cross to a worker",
    );
    expect(sim.spawned).toHaveLength(0);
  });

  it("an initializer that throws: three workers are tried with backoff (50 ms, 100 ms), then waiting tasks fail with WorkerStartError", async () => {
    const { pool, clock, workers } = setup({ maxWorkers: 1, initializer: failInit });
    const future = pool.submit(double, 1);
    await until(() => workers.spawned[0]?.alive === false, "the first worker exited");
    await macrotask();
    expect(workers.spawned).toHaveLength(1);
    expect(future.done()).toBe(false);
    clock.advance(49);
    await macrotask();
    expect(workers.spawned).toHaveLength(1);
    clock.advance(1);
    await until(() => workers.spawned[1]?.alive === false, "the second worker exited");
    clock.advance(99);
    await macrotask();
    expect(workers.spawned).toHaveLength(2);
    clock.advance(1);
    const error = await rejection(future);
    expect(workers.spawned).toHaveLength(3);
    expect(error).toBeInstanceOf(WorkerStartError);
    expect(error.message).toBe("Workers failed to start 3 times in a row (the last exited with code 1): The executor's initializer failed in worker 2: no database");
    expect(error.cause).toBeInstanceOf(WorkerStartError);
    expect(((error.cause as Error).cause as Error).message).toBe("no database");
    expect(pool.stats).toMatchObject({ failed: 1, queued: 0, running: 0, workers: 0 });
    // The pool tries again for the next task.
    const next = pool.submit(double, 2);
    await passTime(clock, () => next.done());
    expect(await rejection(next)).toBeInstanceOf(WorkerStartError);
    expect(workers.spawned).toHaveLength(6);
    await pool.shutdown();
  });

  it("shut down while waiting to retry a worker start: pending tasks still get their tries (no more backoff), then fail with WorkerStartError", async () => {
    const { pool, workers } = setup({ maxWorkers: 1, initializer: failInit, name: "svc" });
    const future = pool.submit(double, 1);
    await until(() => workers.spawned[0]?.alive === false);
    await macrotask();
    expect(workers.spawned).toHaveLength(1);
    // No clock advance: shutting down, the pool does not wait out the backoff.
    await pool.shutdown();
    const error = await rejection(future);
    expect(error).toBeInstanceOf(WorkerStartError);
    expect(error.message).toBe("Workers failed to start 3 times in a row (the last exited with code 1): The executor's initializer failed in worker 2: no database");
    expect(workers.spawned).toHaveLength(3);
    expect(pool.stats).toMatchObject({ workers: 0, failed: 1, queued: 0 });
  });

  it("a spawner that throws fails the task with WorkerStartError carrying the host's error", async () => {
    const refusal = new Error("no threads left");
    const { pool } = setup({}, { beforeSpawn: () => {
      throw refusal;
    } });
    const error = await rejection(pool.submit(double, 1));
    expect(error).toBeInstanceOf(WorkerStartError);
    expect(error.message).toBe('Cannot start a worker for executor "offloop": no threads left');
    expect(error.cause).toBe(refusal);
    expect(pool.stats).toMatchObject({ workers: 0, failed: 1 });
    await pool.shutdown();
  });

  it("a spawner that throws for minWorkers makes the constructor throw WorkerStartError", () => {
    const sim = simulatedWorkers({ beforeSpawn: () => {
      throw new Error("EAGAIN");
    } });
    expect(() => new WorkerPool({ minWorkers: 1 }, sim.spawner)).toThrow(new WorkerStartError('Cannot start a worker for executor "offloop": EAGAIN'));
  });

  it("a worker that speaks another protocol version is refused: after three, WorkerStartError says so", async () => {
    const { pool, clock, workers } = setup({ maxWorkers: 1 }, { toPool: (message) => (message[0] === OP.ready ? [OP.ready, 99] : message) });
    const future = pool.submit(double, 1);
    await passTime(clock, () => future.done());
    const error = await rejection(future);
    expect(error).toBeInstanceOf(WorkerStartError);
    expect(error.message).toBe(
      `Workers failed to start 3 times in a row (the last exited with code 1): offloop protocol mismatch: pool ${PROTOCOL_VERSION}, worker 99. Use one version of @offloop/core and its adapter.`,
    );
    expect(workers.spawned).toHaveLength(3);
    await pool.shutdown();
  });

  it("a worker that cannot be sent anything is retired: after three, WorkerStartError names the record", async () => {
    const { pool, clock } = setup({ maxWorkers: 1 }, { beforeSend: () => {
      throw new Error("channel closed");
    } });
    const future = pool.submit(double, 1);
    await passTime(clock, () => future.done());
    const error = await rejection(future);
    expect(error).toBeInstanceOf(WorkerStartError);
    expect(error.message).toBe("Workers failed to start 3 times in a row (the last exited with code 1): Cannot send a hello record to worker 2: channel closed");
    await pool.shutdown();
  });
});

describe("WorkerPool: arguments that cannot be sent", () => {
  it("an argument that cannot be copied fails its task with TaskArgumentError naming the path; the others of the batch run", async () => {
    const { pool, workers } = setup({ maxWorkers: 1 });
    const open = gate("first");
    const first = pool.submit(hold, "first");
    const good = pool.submit(double, 4);
    const bad = pool.submit(double, { onDone() {} } as never);
    const alsoGood = pool.submit(double, 5);
    open();
    const error = await rejection(bad);
    expect(error).toBeInstanceOf(TaskArgumentError);
    expect(error.message).toBe(
      "Cannot send the task to a worker: args[0].onDone is a function (onDone). Only structured-cloneable values cross to a worker; pass data, and define behaviour in the task module.",
    );
    expect(await Promise.all([first, good, alsoGood])).toEqual(["first", 8, 10]);
    expect(workers.spawned).toHaveLength(1);
    expect(pool.stats).toMatchObject({ completed: 3, failed: 1, running: 0, queued: 0 });
    await pool.shutdown();
  });

  it("an uncloneable argument of a lone task fails it at once; the worker goes idle", async () => {
    const { pool } = setup({ maxWorkers: 1 });
    const error = await rejection(pool.submit(double, Symbol("s") as never));
    expect(error).toBeInstanceOf(TaskArgumentError);
    expect(error.message).toMatch(/^Cannot send the task to a worker: args\[0\] is Symbol\(s\)\./);
    await macrotask();
    expect(pool.stats).toMatchObject({ workers: 1, idle: 1, failed: 1 });
    expect(await pool.submit(double, 2)).toBe(4);
    await pool.shutdown();
  });

  it("map items that cannot be copied name the items path", async () => {
    const { pool } = setup({ maxWorkers: 1 });
    const results: unknown[] = [];
    const error = await (async () => {
      for await (const value of pool.map(double, [1, (() => 2) as never], { chunkSize: 2 })) results.push(value);
    })().catch((reason: Error) => reason);
    expect(error).toBeInstanceOf(TaskArgumentError);
    expect((error as Error).message).toMatch(/^Cannot send the task to a worker: items\[1\] is a function\./);
    await pool.shutdown();
  });

  it("transferred buffers move to the worker (detached here)", async () => {
    const { pool } = setup({ maxWorkers: 1 });
    const bytes = new Uint8Array([1, 2, 3]);
    const length = await pool.run((view: Uint8Array) => view.length, [bytes], { transfer: [bytes.buffer] });
    expect(length).toBe(3);
    expect(bytes.byteLength).toBe(0);
    await pool.shutdown();
  });

  it("a transfer list holding something not transferable fails the task with TaskArgumentError", async () => {
    const { pool, clock, workers } = setup({ maxWorkers: 1 });
    const future = pool.run(double, [1], { transfer: [{} as never] });
    await passTime(clock, () => future.done());
    const error = await rejection(future);
    await pool.shutdown();
    expect(workers.spawned).toHaveLength(1);
    expect(error).toBeInstanceOf(TaskArgumentError);
    expect(error.message).toMatch(/transfer/);
  });

  it("an argument that is a revoked Proxy fails its task with TaskArgumentError", async () => {
    const { pool } = setup({ maxWorkers: 1 });
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    const error = await rejection(pool.submit((value: unknown) => typeof value, proxy));
    expect(error).toBeInstanceOf(TaskArgumentError);
    expect(pool.stats).toMatchObject({ running: 0, failed: 1 });
    await pool.shutdown();
  });

  it("offloop/shared primitives are refused where workers share no memory", async () => {
    const { pool } = setup({ maxWorkers: 1 }, { sharedMemory: false });
    const error = await rejection(pool.submit((lock: unknown) => typeof lock, new Mutex()));
    expect(error).toBeInstanceOf(SharedMemoryUnavailableError);
    expect(error.message).toMatch(/^Cannot send args\[0\] \(a Mutex\) to WorkerPool "offloop": its workers share no memory/);
    expect(pool.stats).toMatchObject({ submitted: 1, failed: 1 });
    await pool.shutdown();
  });

  it("offloop/shared primitives reach workers that share memory", async () => {
    const { pool } = setup({ maxWorkers: 1 }, { sharedMemory: true });
    const mutex = new Mutex();
    expect(await pool.submit((lock: { lock(): { [Symbol.dispose](): void } }) => {
      const guard = lock.lock();
      guard[Symbol.dispose]();
      return "locked and released";
    }, mutex)).toBe("locked and released");
    await pool.shutdown();
  });
});

describe("WorkerPool: cancel, timeout, signal", () => {
  it("cancel() of a queued task: CancelledError, and the worker never receives it", async () => {
    const { pool, workers } = setup({ maxWorkers: 1 });
    const open = gate("a");
    const a = pool.submit(hold, "a");
    const b = pool.submit(double, 2);
    expect(b.cancel()).toBe(true);
    expect(await rejection(b)).toBeInstanceOf(CancelledError);
    expect(pool.stats).toMatchObject({ cancelled: 1, queued: 0, running: 1 });
    open();
    expect(await a).toBe("a");
    expect(workers.spawned[0]!.records("run")).toHaveLength(1);
    await pool.shutdown();
  });

  it("cancel() of a task sent ahead to a busy worker: the worker drops it", async () => {
    const { pool, workers } = setup({ maxWorkers: 1 });
    await pool.submit(double, 0); // measured: tasks now travel ahead to the worker
    const open = gate("a");
    const a = pool.submit(hold, "a");
    const b = pool.submit(double, 2);
    await until(() => workers.spawned[0]!.records("run").length === 3, "b was sent ahead");
    expect(b.state).toBe("pending");
    b.cancel();
    expect(await rejection(b)).toBeInstanceOf(CancelledError);
    await until(() => workers.spawned[0]!.sent.some((message) => recordsOf(message).some((record) => record[0] === "dropped")), "the worker dropped b");
    open();
    expect(await a).toBe("a");
    expect(workers.spawned[0]!.alive).toBe(true);
    await pool.shutdown();
  });

  it("cancel() of a running task aborts its signal; a task that stops keeps its worker", async () => {
    const { pool, clock, workers } = setup({ maxWorkers: 1, cancelGrace: 100 });
    const future = pool.submit(cooperative);
    await macrotask();
    expect(future.state).toBe("running");
    future.cancel("user left");
    const error = await rejection(future);
    expect(error).toBeInstanceOf(CancelledError);
    expect(error.message).toBe("The task was cancelled: user left");
    expect(workers.spawned[0]!.records("cancel")).toHaveLength(1);
    await macrotask();
    clock.advance(1000);
    await macrotask();
    expect(workers.spawned[0]!.alive).toBe(true);
    expect(await pool.submit(whoAmI)).toBe(0);
    await pool.shutdown();
  });

  it("a timeout rejects with TimeoutError; a task that ignores it has its worker terminated after cancelGrace", async () => {
    const { pool, clock, workers } = setup({ maxWorkers: 1, cancelGrace: 200 });
    const future = pool.run(never, [], { timeout: 100 });
    await macrotask();
    clock.advance(100);
    const error = await rejection(future);
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error.message).toBe("The task timed out after 100 ms");
    await macrotask();
    expect(workers.spawned[0]!.records("cancel")).toHaveLength(1);
    clock.advance(199);
    await macrotask();
    expect(workers.spawned[0]!.alive).toBe(true);
    clock.advance(1);
    await until(() => !workers.spawned[0]!.alive, "the worker was terminated");
    expect(await pool.submit(whoAmI)).toBe(1);
    expect(pool.stats).toMatchObject({ failed: 1, completed: 1 });
    await pool.shutdown();
  });

  /** A worker whose result for `a` is posted but not dispatched (held) while `b`, cancelled, runs forever; cancelGrace 100 has just run out. */
  async function graceOverWithUnreadResult() {
    let holding = false;
    const { pool, clock, workers } = setup({ maxWorkers: 1, cancelGrace: 100 }, { sharedMemory: true, holdToPool: () => holding });
    await pool.submit(double, 0);
    holding = true;
    // Handed over together: a finishes and posts its result, b runs forever.
    const a = pool.submit(double, 21);
    const b = pool.submit(never);
    await until(() => workers.spawned[0]!.held.length > 0, "a's result was posted");
    b.cancel();
    await macrotask();
    clock.advance(100);
    await macrotask();
    const release = () => {
      holding = false;
      workers.spawned[0]!.releaseHeld();
    };
    return { pool, clock, workers, a, b, release };
  }

  it("before a forced stop, results the worker already posted are read first (a web Worker's terminate() drops undispatched messages)", async () => {
    const { pool, clock, workers, a, b, release } = await graceOverWithUnreadResult();
    // The grace is over, but the worker posted a message the pool has not read: it waits for it.
    expect(workers.spawned[0]!.alive).toBe(true);
    release();
    expect(await a).toBe(42);
    clock.advance(5);
    await until(() => !workers.spawned[0]!.alive, "the worker was terminated");
    expect(await rejection(b)).toBeInstanceOf(CancelledError);
    expect(pool.stats).toMatchObject({ completed: 2, cancelled: 1 });
    await pool.shutdown();
  });

  it("before a forced stop the pool waits for unread messages only so long (20 x 5 ms), then stops the worker", async () => {
    const { pool, clock, workers, a } = await graceOverWithUnreadResult();
    for (let wait = 0; wait < 19; wait++) {
      clock.advance(5);
      await macrotask();
    }
    await macrotask();
    expect(workers.spawned[0]!.alive).toBe(true);
    clock.advance(5);
    await until(() => !workers.spawned[0]!.alive, "the worker was terminated");
    // Its result never reached the pool: a had been taken up, so it fails as crashed (what a real host does after such a loss).
    expect(await rejection(a)).toBeInstanceOf(WorkerCrashedError);
    await pool.shutdown();
  });

  it("a task cancelled before its worker reached it gets a full grace period once it may have started", async () => {
    const { pool, clock, workers } = setup({ maxWorkers: 1, cancelGrace: 100, concurrentTasksPerWorker: 1 });
    await pool.submit(double, 0);
    const open = gate("a");
    const a = pool.submit(hold, "a");
    const b = pool.submit(never);
    await until(() => workers.spawned[0]!.records("run").length === 3);
    b.cancel();
    await macrotask();
    // b waits behind a in the worker: its grace is checked again, the worker is not terminated for it.
    clock.advance(100);
    await macrotask();
    clock.advance(100);
    await macrotask();
    expect(workers.spawned[0]!.alive).toBe(true);
    open();
    expect(await a).toBe("a");
    await pool.shutdown();
  });

  it("a signal aborted before submit cancels at once; one aborted later cancels with its reason", async () => {
    const { pool } = setup({ maxWorkers: 1 });
    const controller = new AbortController();
    controller.abort(new Error("gone"));
    const refused = await rejection(pool.run(double, [1], { signal: controller.signal }));
    expect(refused).toBeInstanceOf(CancelledError);
    expect(refused.message).toBe("The task was cancelled before it was submitted");
    expect(pool.stats).toMatchObject({ submitted: 1, cancelled: 1, workers: 0 });
    const later = new AbortController();
    const future = pool.run(cooperative, [], { signal: later.signal });
    await macrotask();
    later.abort(new Error("stop"));
    const error = await rejection(future);
    expect(error).toBeInstanceOf(CancelledError);
    expect(error.message).toBe("The task was cancelled: stop");
    await pool.shutdown();
  });
});

describe("WorkerPool: progress, call sites, maxQueue, map", () => {
  it("onProgress receives each value the task reports, in order", async () => {
    const { pool } = setup({ maxWorkers: 1 });
    const seen: unknown[] = [];
    expect(await pool.run(report, [[0.25, 0.5, 1]], { onProgress: (value) => seen.push(value) })).toBe(3);
    expect(seen).toEqual([0.25, 0.5, 1]);
    // Without a listener, progress is ignored.
    expect(await pool.submit(report, [1])).toBe(1);
    await pool.shutdown();
  });

  describe("a throwing onProgress listener", () => {
    const reported: unknown[] = [];
    beforeEach(() => {
      reported.length = 0;
      // The pool reports a listener's error where it is seen, as an uncaught error in a microtask: catch it here.
      const original = globalThis.queueMicrotask.bind(globalThis);
      vi.stubGlobal("queueMicrotask", (callback: () => void) =>
        original(() => {
          try {
            callback();
          } catch (error) {
            reported.push(error);
          }
        }),
      );
    });
    afterEach(() => void vi.unstubAllGlobals());

    it("breaks neither the task nor the pool; its error is reported as uncaught", async () => {
      const { pool } = setup({ maxWorkers: 1 });
      const seen: unknown[] = [];
      const listenerError = new Error("listener bug");
      const future = pool.run(report, [[1, 2, 3]], {
        onProgress: (value) => {
          seen.push(value);
          if (value === 2) throw listenerError;
        },
      });
      expect(await future).toBe(3);
      expect(seen).toEqual([1, 2, 3]);
      await macrotask();
      expect(reported).toEqual([listenerError]);
      expect(await pool.submit(double, 2)).toBe(4);
      await pool.shutdown();
    });
  });

  it("captureCallSite adds where the task was submitted to a task error's stack", async () => {
    const withSite = setup({ maxWorkers: 1, captureCallSite: true }).pool;
    const error = await rejection(withSite.submit(boom, "located"));
    expect(error.message).toBe("located");
    expect(error.stack).toContain("--- submitted ---");
    expect(error.stack!.split("--- submitted ---")[1]).toContain("worker-pool.test");
    await withSite.shutdown();
    const without = setup({ maxWorkers: 1 }).pool;
    expect((await rejection(without.submit(boom, "plain"))).stack).not.toContain("--- submitted ---");
    await without.shutdown();
  });

  it("maxQueue refuses a task once that many wait for a free worker (QueueFullError, counted as failed)", async () => {
    const { pool } = setup({ maxWorkers: 1, maxQueue: 1 });
    const open = gate("a");
    const a = pool.submit(hold, "a");
    const b = pool.submit(double, 1);
    const error = await rejection(pool.submit(double, 2));
    expect(error).toBeInstanceOf(QueueFullError);
    expect(error.message).toBe("Cannot submit a task: 1 tasks are already waiting for a free worker (maxQueue)");
    expect(pool.stats).toMatchObject({ submitted: 3, failed: 1, running: 1, queued: 1 });
    open();
    expect(await Promise.all([a, b])).toEqual(["a", 2]);
    // Room again.
    expect(await pool.submit(double, 3)).toBe(6);
    await pool.shutdown();
  });

  it("maxQueue 0 takes a task only when a worker is free", async () => {
    const { pool } = setup({ maxWorkers: 1, maxQueue: 0 });
    const open = gate("a");
    const a = pool.submit(hold, "a");
    const error = await rejection(pool.submit(double, 2));
    expect(error).toBeInstanceOf(QueueFullError);
    expect(error.message).toBe("Cannot submit a task: no worker is free and maxQueue is 0 (no waiting)");
    open();
    await a;
    await pool.shutdown();
  });

  it("map sends items as chunk records and yields results in order", async () => {
    const { pool, workers } = setup({ maxWorkers: 1 });
    const results: number[] = [];
    for await (const value of pool.map(double, [1, 2, 3, 4, 5], { chunkSize: 2 })) results.push(value);
    expect(results).toEqual([2, 4, 6, 8, 10]);
    const chunks = workers.spawned.flatMap((worker) => worker.records("chunk")).map((record) => record[3]);
    expect(chunks).toEqual([[1, 2], [3, 4], [5]]);
    expect(pool.stats).toMatchObject({ submitted: 3, completed: 3 });
    await pool.shutdown();
  });

  it("mapChunks yields each chunk's results as one array", async () => {
    const { pool } = setup({ maxWorkers: 2 });
    const chunks: number[][] = [];
    for await (const chunk of pool.mapChunks(double, [1, 2, 3, 4, 5], { chunkSize: 2 })) chunks.push(chunk);
    expect(chunks).toEqual([[2, 4], [6, 8], [10]]);
    await pool.shutdown();
  });

  it("map with async task functions and a task error rejects the loop with that error", async () => {
    const { pool } = setup({ maxWorkers: 2 });
    const asyncDouble = async (n: number) => n * 2;
    const results: number[] = [];
    for await (const value of pool.map(asyncDouble, [1, 2, 3], { chunkSize: 2 })) results.push(value);
    expect(results).toEqual([2, 4, 6]);
    const failing = (n: number) => {
      if (n === 2) throw new RangeError(`item ${n}`);
      return n;
    };
    const error = await (async () => {
      for await (const _ of pool.map(failing, [1, 2, 3])) void _;
    })().catch((reason: Error) => reason);
    expect(error).toBeInstanceOf(RangeError);
    expect((error as Error).message).toBe("item 2");
    await pool.shutdown();
  });
});

describe("WorkerPool: callerSpinMicroseconds", () => {
  // Messages to the pool are held (posted, never dispatched): only the caller's synchronous receive can read them.
  const holdAll = { sharedMemory: true, receiveSync: true, holdToPool: () => true };

  it("a lone task's result is taken synchronously in the microtask after submit: no event-loop turn", async () => {
    const { pool, workers } = setup({ maxWorkers: 1, callerSpinMicroseconds: 1_000_000 }, holdAll);
    expect(await pool.submit(double, 1)).toBe(2);
    for (let index = 0; index < 20; index++) expect(await pool.submit(double, index)).toBe(2 * index);
    expect(workers.spawned[0]!.held).toEqual([]);
    expect(pool.stats).toMatchObject({ completed: 21, running: 0, idle: 1 });
    await pool.shutdown();
  });

  it("without it, or without shared memory, nothing is taken synchronously", async () => {
    for (const [options, sim] of [
      [{ callerSpinMicroseconds: 0 }, holdAll],
      [{ callerSpinMicroseconds: 1_000_000 }, { ...holdAll, sharedMemory: false }],
    ] as const) {
      const { pool, workers } = setup({ maxWorkers: 1, ...options }, sim);
      const future = pool.submit(double, 21);
      await macrotask();
      expect(future.done()).toBe(false);
      workers.spawned[0]!.releaseHeld();
      expect(await future).toBe(42);
      await pool.shutdown();
    }
  });

  it("the spin ends at its deadline when no result comes; the result then arrives the usual way", async () => {
    const open = gate("late");
    const { pool, workers } = setup({ maxWorkers: 1, callerSpinMicroseconds: 200 }, { sharedMemory: true, receiveSync: true });
    const future = pool.submit(hold, "late");
    await macrotask();
    expect(future.done()).toBe(false);
    open();
    expect(await future).toBe("late");
    expect(workers.spawned[0]!.held).toEqual([]);
    await pool.shutdown();
  });

  it("a burst is not held up: the caller never spins while tasks wait in the queue", async () => {
    const { pool } = setup({ maxWorkers: 1, callerSpinMicroseconds: 1_000_000 }, { sharedMemory: true, receiveSync: true });
    const results = await Promise.all(Array.from({ length: 50 }, (_, index) => pool.submit(double, index)));
    expect(results).toEqual(Array.from({ length: 50 }, (_, index) => 2 * index));
    await pool.shutdown();
  });
});
