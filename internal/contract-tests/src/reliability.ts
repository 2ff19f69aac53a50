/**
 * The reliability suite: faults injected into workers, property-based fuzz of
 * submit / cancel / timeout / crash / shutdown interleavings, shutdown under
 * load, bad input, and signals in a user's script. Like the contract suite it
 * is written once and every adapter calls it; what a runtime cannot do is read
 * from `executor.capabilities` and shown as a skip with the reason.
 */
import { afterEach, beforeEach, describe, it } from "vitest";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import {
  CancelledError,
  ExecutorShutdownError,
  OffloopError,
  TaskArgumentError,
  TimeoutError,
  WorkerCrashedError,
  WorkerStartError,
  type Future,
  type PoolOptions,
} from "@offloop/core";
// @ts-types="../dist/tasks.d.ts"
import tasks from "../dist/tasks.js";
// @ts-types="../dist/faults.d.ts"
import faults from "../dist/faults.js";
import type { ContractExecutor } from "./index.ts";
import { delay, rejection, within } from "./within.ts";
import { survivorsAfter } from "./processes.ts";
import { itOrSkip } from "./skip.ts";
import { describeEngineFaults } from "./engine-faults.ts";

export interface ReliabilitySuiteOptions {
  /** Shown in the test names, e.g. "node-worker-threads". */
  name: string;
  /** Makes a fresh executor from pool options plus, for the OOM test, `memoryLimit`. */
  createExecutor(options?: PoolOptions & Record<string, unknown>): ContractExecutor;
  /** The runtime running the tests: decides how a child script is started. */
  runtime: "node" | "bun" | "deno";
  /** Adapter options that cap a worker's heap (e.g. `{ resourceLimits: { maxOldGenerationSizeMb: 32 } }`); without it the OOM test is skipped. */
  memoryLimit?: Record<string, unknown>;
  /** The adapter as a user's script imports it, for the subprocess tests (exit, SIGINT, SIGTERM); without it they are skipped. */
  adapter?: { module: string; exportName: string };
  /** Fuzz cases per run; default `OFFLOOP_FUZZ_RUNS` from the environment, else 12. */
  fuzzRuns?: number;
  /**
   * For an executor whose workers are elsewhere (BullMQ's hosts): why the tests of local-pool
   * bookkeeping do not apply (`stats.workers` counting this pool's workers, `maxQueue` measured
   * against this pool's slots, a task on a worker inside `submit`). They are skipped with it.
   */
  remoteWorkers?: string;
}

type Host = {
  process?: { env: Record<string, string | undefined>; on?: (event: string, listener: (reason: unknown) => void) => void; off?: (event: string, listener: (reason: unknown) => void) => void; execPath: string };
  Deno?: { execPath(): string };
  addEventListener?: (type: string, listener: (event: { reason: unknown; preventDefault(): void }) => void) => void;
  removeEventListener?: (type: string, listener: (event: { reason: unknown; preventDefault(): void }) => void) => void;
};
const host = globalThis as unknown as Host;

/** Collects unhandled rejections in the calling process while a test runs. */
function watchUnhandledRejections(): { seen: unknown[]; stop(): void } {
  const seen: unknown[] = [];
  const onNode = (reason: unknown) => seen.push(reason);
  const onWeb = (event: { reason: unknown; preventDefault(): void }) => {
    seen.push(event.reason);
    event.preventDefault();
  };
  if (host.Deno) host.addEventListener?.("unhandledrejection", onWeb);
  else host.process?.on?.("unhandledRejection", onNode);
  return {
    seen,
    stop() {
      if (host.Deno) host.removeEventListener?.("unhandledrejection", onWeb);
      else host.process?.off?.("unhandledRejection", onNode);
    },
  };
}

/** How a Future ended, in a form tests compare. */
type Outcome = { state: "fulfilled"; value: unknown } | { state: "rejected"; error: Error };

/** An outcome in a few words, for assertion messages. */
function describeOutcome(outcome: Outcome): string {
  return outcome.state === "fulfilled" ? `fulfilled with ${String(outcome.value).slice(0, 20)}` : `rejected with ${outcome.error?.name}: ${outcome.error?.message}`;
}

/** Attaches handlers at once (so nothing is unhandled) and counts how often the Future settles. */
function track<T>(future: PromiseLike<T>): { outcome: Promise<Outcome>; settledCount: () => number } {
  let count = 0;
  const outcome = Promise.resolve(
    future.then(
      (value): Outcome => {
        count++;
        return { state: "fulfilled", value };
      },
      (error: Error): Outcome => {
        count++;
        return { state: "rejected", error };
      },
    ),
  );
  return { outcome, settledCount: () => count };
}

function assertStatsAddUp(executor: ContractExecutor, maxWorkers: number, when: string): void {
  const stats = executor.stats;
  const accounted = stats.completed + stats.failed + stats.cancelled + stats.queued + stats.running;
  assert.equal(stats.submitted, accounted, `${when}: submitted ${stats.submitted} != completed+failed+cancelled+queued+running ${accounted} (${JSON.stringify(stats)})`);
  for (const key of ["workers", "idle", "queued", "running", "completed", "failed", "cancelled"] as const) {
    assert.ok(stats[key] >= 0, `${when}: stats.${key} is negative (${JSON.stringify(stats)})`);
  }
  assert.ok(stats.workers <= maxWorkers, `${when}: ${stats.workers} workers, more than maxWorkers ${maxWorkers}`);
}

/** Polls `condition` every 10 ms for up to `ms`. */
async function eventually(condition: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) assert.fail(`${what} did not happen within ${ms} ms`);
    await delay(10);
  }
}

// One step of a fuzz case.
type Kind = "value" | "sleep" | "async" | "cooperative" | "throw";
type Op =
  | { op: "submit"; kind: Kind; value: number }
  | { op: "timeout"; kind: Kind; value: number; timeout: number }
  | { op: "signal"; kind: Kind; value: number; abortAfter: number }
  | { op: "cancel"; target: number }
  | { op: "crash" }
  | { op: "wait"; ms: number }
  | { op: "shutdown"; wait: boolean; cancelPending: boolean };

/**
 * Registers the reliability tests for one executor.
 *
 * @example
 * ```ts
 * import { runReliabilitySuite } from "@offloop/contract-tests";
 * import { ThreadPoolExecutor } from "@offloop/node-worker-threads";
 * runReliabilitySuite({ name: "node-worker-threads", runtime: "node", createExecutor: (options) => new ThreadPoolExecutor(options) });
 * ```
 */
export function runReliabilitySuite({ name, createExecutor, runtime, memoryLimit, adapter, fuzzRuns, remoteWorkers }: ReliabilitySuiteOptions): void {
  const probe = createExecutor({ maxWorkers: 1 });
  const capabilities = { transfer: true, sharedMemory: true, terminatesBusyLoop: true, crashIsolation: true, resourceLimits: false, unref: true, ...probe.capabilities };
  void probe.shutdown();
  const isolated = capabilities.crashIsolation;
  const notIsolated = !isolated && "tasks run on the caller's thread: a crash or a blocked loop is the caller's";
  const runs = fuzzRuns ?? Number(host.process?.env.OFFLOOP_FUZZ_RUNS ?? 12);
  /** Replays a reported counterexample: OFFLOOP_FUZZ_SEED and OFFLOOP_FUZZ_PATH, as fast-check printed them. */
  const replay = host.process?.env.OFFLOOP_FUZZ_SEED ? { seed: Number(host.process.env.OFFLOOP_FUZZ_SEED), path: host.process.env.OFFLOOP_FUZZ_PATH } : {};
  /** Whether the executor takes callerSpinMicroseconds (the fuzz then runs some cases with the caller spinning). */
  const callerSpins = (() => {
    try {
      void createExecutor({ maxWorkers: 1, callerSpinMicroseconds: 0 }).shutdown();
      return true;
    } catch {
      return false;
    }
  })();

  let rejections: ReturnType<typeof watchUnhandledRejections>;
  function trackRejections(): void {
    beforeEach(() => {
      rejections = watchUnhandledRejections();
    });
    afterEach(() => {
      rejections.stop();
      assert.deepEqual(rejections.seen.map(String), [], "unhandled rejections in the caller");
    });
  }

  async function withExecutor(options: PoolOptions & Record<string, unknown>, body: (executor: ContractExecutor) => Promise<void>): Promise<void> {
    const executor = createExecutor(options);
    try {
      await body(executor);
    } finally {
      await within(executor.shutdown({ cancelPending: true }), 30_000, "shutdown");
    }
  }

  /** The serving check after each fault: the pool answers a plain task. */
  async function keepsServing(executor: ContractExecutor): Promise<void> {
    assert.equal(await within(executor.submit(tasks.add, 20, 22), 20_000, "the next task after the fault"), 42);
  }

  describe(`reliability: ${name}`, () => {
    trackRejections();

    describe("faults in tasks and workers", () => {
      itOrSkip(notIsolated)("a worker that calls process.exit() mid-task fails that task only; queued tasks run once each", () =>
        withExecutor({ maxWorkers: 1 }, async (executor) => {
          const crash = executor.submit(faults.exitLater, 30, 9);
          const queued = Array.from({ length: 20 }, (_, index) => executor.submit(tasks.add, index, 100));
          const error = await rejection(crash);
          assert.ok(WorkerCrashedError.isInstance(error), `expected WorkerCrashedError, got ${error.name}: ${error.message}`);
          assert.match(error.message, /Worker \d+ (exited|was killed)/);
          assert.deepEqual(await within(Promise.all(queued)), Array.from({ length: 20 }, (_, index) => index + 100));
          await keepsServing(executor);
        }));

      itOrSkip(notIsolated)("three crashes in a row are not mistaken for start failures", { timeout: 60_000 }, () =>
        withExecutor({ maxWorkers: 1 }, async (executor) => {
          for (let round = 0; round < 3; round++) {
            const error = await rejection(executor.submit(tasks.exit, 5));
            assert.ok(WorkerCrashedError.isInstance(error), `round ${round}: ${error.name}: ${error.message}`);
          }
          await keepsServing(executor);
        }));

      itOrSkip(notIsolated)("a crash with concurrentTasksPerWorker fails the tasks running beside it, re-runs none, and loses none", () =>
        withExecutor({ maxWorkers: 1, concurrentTasksPerWorker: 4 }, async (executor) => {
          const shared = capabilities.sharedMemory ? new Int32Array(new SharedArrayBuffer(4 * 40)) : null;
          const crash = track(executor.submit(faults.exitLater, 50, 4));
          const others = Array.from({ length: 40 }, (_, slot) => track(executor.submit(faults.fuzzStep, shared, slot, "async", 30)));
          assert.equal((await within(crash.outcome)).state, "rejected");
          for (const [slot, other] of others.entries()) {
            const outcome = await within(other.outcome);
            if (outcome.state === "fulfilled") assert.equal(outcome.value, 30);
            else assert.ok(WorkerCrashedError.isInstance(outcome.error), `slot ${slot}: ${outcome.error.name}: ${outcome.error.message}`);
            if (shared) {
              assert.ok(Atomics.load(shared, slot) <= 1, `slot ${slot} ran ${Atomics.load(shared, slot)} times`);
              if (outcome.state === "fulfilled") assert.equal(Atomics.load(shared, slot), 1);
            }
          }
          await keepsServing(executor);
        }));

      itOrSkip(notIsolated)("an uncaught exception in a timer inside a worker fails the running task with the error as cause", () =>
        withExecutor({ maxWorkers: 1 }, async (executor) => {
          const crash = executor.submit(tasks.crashInTimer);
          const queued = executor.submit(tasks.add, 1, 1);
          const error = await rejection(crash);
          assert.ok(WorkerCrashedError.isInstance(error), `expected WorkerCrashedError, got ${error.name}: ${error.message}`);
          assert.match(error.message, /uncaught in a timer/);
          assert.equal(await within(queued), 2);
        }));

      itOrSkip(notIsolated)("an unhandled rejection inside a worker never reaches the caller, and the pool keeps serving", () =>
        withExecutor({ maxWorkers: 1 }, async (executor) => {
          const outcome = await within(track(executor.submit(faults.unhandledRejection, 100)).outcome);
          if (outcome.state === "fulfilled") assert.equal(outcome.value, "survived");
          else {
            assert.ok(WorkerCrashedError.isInstance(outcome.error), `expected WorkerCrashedError, got ${outcome.error.name}: ${outcome.error.message}`);
            // The reason is in the message on Node threads, processes on Node and Deno, and Bun/Deno workers; a Bun child process reports only "exited with code 1".
          }
          await keepsServing(executor);
        }));

      itOrSkip(!memoryLimit && "this adapter cannot cap a worker's heap")("a worker out of memory fails its task with WorkerCrashedError and is replaced", () =>
        withExecutor({ maxWorkers: 1, ...memoryLimit }, async (executor) => {
          const error = await rejection(within(executor.submit(faults.allocateForever), 60_000, "the leaking task"));
          assert.ok(WorkerCrashedError.isInstance(error), `expected WorkerCrashedError, got ${error.name}: ${error.message}`);
          await keepsServing(executor);
        }));

      it("a task that never returns is ended by its timeout and by cancel, and its worker replaced", () =>
        withExecutor({ maxWorkers: 1, cancelGrace: 50 }, async (executor) => {
          const timedOut = await rejection(executor.run(faults.never, [], { timeout: 50 }));
          assert.ok(TimeoutError.isInstance(timedOut), `expected TimeoutError, got ${timedOut.name}`);
          const cancelled = executor.submit(faults.never);
          await delay(30);
          assert.equal(cancelled.cancel(), true);
          assert.ok(CancelledError.isInstance(await rejection(cancelled)));
          await keepsServing(executor);
          await eventually(() => executor.stats.running === 0, 5_000, "the never-ending tasks leaving the pool");
        }));

      itOrSkip(notIsolated)("a task blocking its worker's event loop is settled at once on timeout, and a fresh worker serves the next task", () =>
        withExecutor({ maxWorkers: 1, cancelGrace: 50 }, async (executor) => {
          const started = Date.now();
          const error = await rejection(executor.run(faults.blockFor, [4_000], { timeout: 100 }));
          assert.ok(TimeoutError.isInstance(error), `expected TimeoutError, got ${error.name}`);
          assert.ok(Date.now() - started < 2_000, `the timeout took ${Date.now() - started} ms`);
          await keepsServing(executor);
          assert.ok(Date.now() - started < 3_500, `the next task waited for the blocked worker (${Date.now() - started} ms)`);
        }));

      it("a task module that throws at import, is missing or has a syntax error fails its tasks, not the worker", () =>
        withExecutor({ maxWorkers: 1 }, async (executor) => {
          const before = await within(executor.submit(tasks.whoami));
          const throwing = { module: new URL("../dist/throws-at-import.js", import.meta.url).href, name: "noop" } as unknown as typeof tasks.add;
          const missing = { module: new URL("../dist/no-such-module.js", import.meta.url).href, name: "noop" } as unknown as typeof tasks.add;
          const broken = { module: new URL("../fixtures/syntax-error.js", import.meta.url).href, name: "broken" } as unknown as typeof tasks.add;
          assert.match((await rejection(executor.submit(throwing, 1, 1))).message, /throws at import/);
          assert.match((await rejection(executor.submit(throwing, 1, 1))).message, /throws at import/, "the same error again, from the cache");
          assert.match((await rejection(executor.submit(missing, 1, 1))).message, /no-such-module|not find|not found/i);
          // Bun reports a module that fails to parse as an AggregateError ("4 errors building ..."), one entry per parse error.
          const syntax = await rejection(executor.submit(broken, 1, 1));
          // Deno wraps it: a TypeError whose message starts "SyntaxError: Expected ','".
          assert.ok(/SyntaxError/.test(`${syntax.name}: ${syntax.message}`) || (syntax instanceof AggregateError && /building/.test(syntax.message)), `${syntax.name}: ${syntax.message}`);
          assert.equal(await within(executor.submit(tasks.whoami)), before, "the same worker still serves");
        }));

      itOrSkip(remoteWorkers)("an initializer whose module throws at import fails the queued tasks after 3 tries, then stops spawning", { timeout: 60_000 }, () =>
        withExecutor({ maxWorkers: 2, initializer: { module: new URL("../dist/throws-at-import.js", import.meta.url).href, name: "noop" } as never }, async (executor) => {
          const futures = Array.from({ length: 5 }, () => executor.submit(tasks.add, 1, 1));
          for (const future of futures) {
            const error = await rejection(future);
            assert.ok(WorkerStartError.isInstance(error), `expected WorkerStartError, got ${error.name}: ${error.message}`);
            assert.match(error.message, /failed to start 3 times.*throws at import/s);
          }
          await eventually(() => executor.stats.workers === 0, 5_000, "the failed workers leaving");
          await delay(300);
          assert.equal(executor.stats.workers, 0, "no respawn loop once the queue is empty");
        }));

      it("results that cannot be cloned fail with TaskArgumentError; cycles and big results come back", () =>
        withExecutor({ maxWorkers: 1 }, async (executor) => {
          for (const task of [faults.returnWeakMap, faults.returnSymbol]) {
            const error = await rejection(executor.submit(task));
            assert.ok(TaskArgumentError.isInstance(error), `expected TaskArgumentError, got ${error.name}: ${error.message}`);
          }
          const cycle = (await within(executor.submit(faults.returnCycle))) as { name: string; self: unknown };
          assert.equal(cycle.self, cycle);
          assert.equal((await within(executor.submit(faults.returnBig, 16))).length, 16 * 1024 * 1024);
          await keepsServing(executor);
        }));

      it("errors that are hard to send still reach the caller as errors", () =>
        withExecutor({ maxWorkers: 1 }, async (executor) => {
          const cyclic = await rejection(executor.submit(faults.throwCyclicCause));
          assert.equal(cyclic.message, "my cause is myself");
          const object = await rejection(executor.submit(faults.throwObjectWithFunction));
          assert.match(object.message, /a plain object with a method/);
          assert.match((await rejection(executor.submit(faults.throwSymbol))).message, /thrown symbol/);
          assert.match((await rejection(executor.submit(faults.throwNull))).message, /null/);
          for (const task of [faults.throwGetterError, faults.rejectGetterError]) {
            const error = await rejection(executor.submit(task));
            assert.ok(error instanceof Error, "an Error, not a crash or a hang");
            assert.ok(!WorkerCrashedError.isInstance(error), `the worker crashed: ${error.message}`);
            assert.match(error.message, /message getter throws/);
          }
          await keepsServing(executor);
        }));
    });

    describe("property-based fuzz", () => {
      // callerSpinMicroseconds: lone tasks with one small argument and small results pass through a spin lane
      // (shared memory) instead of messages. Each step is such a task, awaited or not, cancelled or not.
      const laneKinds = ["value", "value", "big", "sleep", "async", "cooperative", "throw", ...(isolated ? ["exit" as const] : [])] as const;
      const laneStep = fc.record({
        kind: fc.constantFrom(...laneKinds),
        value: fc.integer({ min: 0, max: 6 }),
        then: fc.constantFrom("await", "await", "go on", "cancel at once", "cancel soon"),
      });
      itOrSkip(!callerSpins && "this executor has no callerSpinMicroseconds option")(`random sequences of lone tasks with callerSpinMicroseconds (the spin lane) settle each one as its kind says; a crash costs only its task (${runs} cases)`, { timeout: Math.max(60_000, runs * 10_000) }, async () => {
        await fc.assert(
          fc.asyncProperty(fc.integer({ min: 1, max: 2 }), fc.array(laneStep, { minLength: 1, maxLength: 30 }), async (maxWorkers, steps) => {
            const counts = capabilities.sharedMemory ? new Int32Array(new SharedArrayBuffer(4 * steps.length)) : null;
            const executor = createExecutor({ maxWorkers, cancelGrace: 50, callerSpinMicroseconds: 2000, initializer: faults.laneSetup, initArgs: [counts] });
            const entries: Array<{ future: Future<unknown>; tracked: ReturnType<typeof track<unknown>>; kind: string; value: number; cancelled: boolean }> = [];
            try {
              for (const [slot, step] of steps.entries()) {
                const future = executor.submit(faults.laneStep, `${slot}:${step.kind}:${step.value}`) as Future<unknown>;
                const entry = { future, tracked: track(future), kind: step.kind, value: step.value, cancelled: false };
                entries.push(entry);
                if (step.then === "cancel at once") entry.cancelled = future.cancel();
                if (step.then === "cancel soon") {
                  await delay(1);
                  entry.cancelled = future.cancel();
                }
                if (step.then === "await") await entry.tracked.outcome;
                assertStatsAddUp(executor, maxWorkers, `after step ${slot} ${JSON.stringify(step)}`);
              }
            } finally {
              await within(executor.shutdown({ wait: true }), 30_000, "shutdown at the end of a lane fuzz case");
            }
            const outcomes = await within(Promise.all(entries.map((entry) => entry.tracked.outcome)), 10_000, "the lane fuzz futures");
            for (const [slot, entry] of entries.entries()) {
              const outcome = outcomes[slot]!;
              const where = `lane step ${slot} (${entry.kind} ${entry.value}${entry.cancelled ? ", cancelled" : ""})`;
              assert.equal(entry.tracked.settledCount(), 1, `${where} settled ${entry.tracked.settledCount()} times`);
              const runsOfIt = counts ? Atomics.load(counts, slot) : undefined;
              if (runsOfIt !== undefined) assert.ok(runsOfIt <= 1, `${where} ran ${runsOfIt} times`);
              if (entry.cancelled) {
                assert.ok(outcome.state === "rejected" && CancelledError.isInstance(outcome.error), `${where} ended ${describeOutcome(outcome)}`);
                continue;
              }
              const described = `${where}: ${describeOutcome(outcome)}`;
              switch (entry.kind) {
                case "throw":
                  assert.ok(outcome.state === "rejected" && outcome.error instanceof RangeError && outcome.error.message === `lane failure ${entry.value}`, described);
                  break;
                case "exit":
                  assert.ok(outcome.state === "rejected" && WorkerCrashedError.isInstance(outcome.error), described);
                  break;
                default:
                  assert.equal(outcome.state, "fulfilled", described);
                  assert.deepEqual(outcome.value, entry.kind === "big" ? "x".repeat(200 + entry.value) : entry.value, described);
                  if (runsOfIt !== undefined) assert.equal(runsOfIt, 1, `${where} fulfilled without running`);
              }
            }
            const stats = executor.stats;
            assert.equal(stats.workers, 0, "no worker remains after shutdown");
            assert.equal(stats.submitted, entries.length);
            assert.equal(stats.completed + stats.failed + stats.cancelled, entries.length, `every task counted once: ${JSON.stringify(stats)}`);
          }),
          { numRuns: runs, ...replay },
        );
      });

      const kinds: Kind[] = ["value", "sleep", "async", "cooperative", "throw"];
      const kind = fc.constantFrom(...kinds);
      const small = fc.integer({ min: 0, max: 25 });
      const ops: fc.Arbitrary<Op>[] = [
        fc.record({ op: fc.constant("submit" as const), kind, value: small }),
        fc.record({ op: fc.constant("timeout" as const), kind, value: small, timeout: fc.integer({ min: 0, max: 30 }) }),
        fc.record({ op: fc.constant("signal" as const), kind, value: small, abortAfter: fc.integer({ min: 0, max: 30 }) }),
        fc.record({ op: fc.constant("cancel" as const), target: fc.nat() }),
        fc.record({ op: fc.constant("wait" as const), ms: fc.integer({ min: 0, max: 20 }) }),
        fc.record({ op: fc.constant("shutdown" as const), wait: fc.boolean(), cancelPending: fc.boolean() }),
      ];
      if (isolated) ops.push(fc.record({ op: fc.constant("crash" as const) }));
      const scenario = fc.record({
        maxWorkers: fc.integer({ min: 1, max: 2 }),
        concurrentTasksPerWorker: fc.integer({ min: 1, max: 3 }),
        callerSpinMicroseconds: callerSpins ? fc.constantFrom(0, 0, 2000) : fc.constant(undefined),
        ops: fc.array(fc.oneof(...ops), { minLength: 1, maxLength: 25 }),
      });

      // Up to 10 s a case on a loaded machine: a long run (OFFLOOP_FUZZ_RUNS=300) gets the time it needs.
      it(`random interleavings of submit, cancel, timeout, crash and shutdown keep every invariant (${runs} cases)`, { timeout: Math.max(60_000, runs * 10_000) }, async () => {
        await fc.assert(
          fc.asyncProperty(scenario, async ({ maxWorkers, concurrentTasksPerWorker, callerSpinMicroseconds, ops }) => {
            const executor = createExecutor({ maxWorkers, concurrentTasksPerWorker, cancelGrace: 50, ...(callerSpinMicroseconds === undefined ? {} : { callerSpinMicroseconds }) });
            const shared = capabilities.sharedMemory ? new Int32Array(new SharedArrayBuffer(4 * ops.length)) : null;
            type Entry = { future: Future<number>; tracked: ReturnType<typeof track<number>>; kind: Kind | "exit"; value: number; slot: number; timeout: boolean; signal: boolean; cancelled: boolean; afterShutdown: boolean };
            const entries: Entry[] = [];
            const shutdowns: Promise<void>[] = [];
            let shutdownCalled = false;
            let cancelPending = false;
            let disruptive = false;
            try {
              for (const [index, op] of ops.entries()) {
                switch (op.op) {
                  case "submit":
                  case "timeout":
                  case "signal":
                  case "crash": {
                    const stepKind = op.op === "crash" ? "exit" : op.kind;
                    const value = op.op === "crash" ? 0 : op.value;
                    let options: { timeout?: number; signal?: AbortSignal } | undefined;
                    if (op.op === "timeout") options = { timeout: op.timeout };
                    if (op.op === "signal") {
                      const controller = new AbortController();
                      setTimeout(() => controller.abort(new Error("fuzz abort")), op.abortAfter);
                      options = { signal: controller.signal };
                    }
                    if (op.op !== "submit") disruptive = true;
                    const future = executor.run(faults.fuzzStep, [shared, index, stepKind, value], options) as Future<number>;
                    entries.push({ future, tracked: track(future), kind: stepKind, value, slot: index, timeout: op.op === "timeout", signal: op.op === "signal", cancelled: false, afterShutdown: shutdownCalled });
                    break;
                  }
                  case "cancel": {
                    if (entries.length === 0) break;
                    const entry = entries[op.target % entries.length]!;
                    const wasDone = entry.future.done();
                    const took = entry.future.cancel(new Error("fuzz cancel"));
                    assert.equal(took, !wasDone, "cancel() returns true exactly when the Future had not settled");
                    if (took) {
                      entry.cancelled = true;
                      disruptive = true;
                      assert.equal(entry.future.state, "cancelled");
                    }
                    break;
                  }
                  case "wait":
                    await delay(op.ms);
                    break;
                  case "shutdown":
                    shutdownCalled = true;
                    cancelPending ||= op.cancelPending;
                    shutdowns.push(executor.shutdown({ wait: op.wait, cancelPending: op.cancelPending }));
                    break;
                }
                assertStatsAddUp(executor, maxWorkers, `after op ${index} ${JSON.stringify(op)}`);
              }
            } finally {
              shutdowns.push(executor.shutdown({ wait: true }));
              await within(Promise.all(shutdowns), 30_000, "shutdown at the end of a fuzz case");
            }
            const outcomes = await within(Promise.all(entries.map((entry) => entry.tracked.outcome)), 10_000, "the fuzz futures");
            await delay(0);
            let fulfilled = 0;
            let cancelledCount = 0;
            let failed = 0;
            for (const [index, entry] of entries.entries()) {
              const outcome = outcomes[index]!;
              const where = `future ${index} (${entry.kind} ${entry.value}${entry.timeout ? ", timeout" : ""}${entry.signal ? ", signal" : ""}${entry.cancelled ? ", cancelled" : ""}${entry.afterShutdown ? ", after shutdown" : ""})`;
              assert.equal(entry.tracked.settledCount(), 1, `${where} settled ${entry.tracked.settledCount()} times`);
              const runsOfIt = shared ? Atomics.load(shared, entry.slot) : undefined;
              if (runsOfIt !== undefined) assert.ok(runsOfIt <= 1, `${where} ran ${runsOfIt} times`);
              if (outcome.state === "fulfilled") {
                fulfilled++;
                assert.equal(entry.future.state, "fulfilled");
                assert.ok(!entry.cancelled && !entry.afterShutdown && entry.kind !== "throw" && entry.kind !== "exit", `${where} fulfilled`);
                assert.equal(outcome.value, entry.value, `${where}: wrong value`);
                if (runsOfIt !== undefined) assert.equal(runsOfIt, 1, `${where} fulfilled without running`);
                continue;
              }
              const error = outcome.error;
              const described = `${where} rejected with ${error?.name}: ${error?.message}`;
              assert.ok(error instanceof Error, `${where} rejected with a non-error`);
              if (CancelledError.isInstance(error)) {
                cancelledCount++;
                assert.equal(entry.future.state, "cancelled", described);
                assert.ok(entry.cancelled || entry.signal || cancelPending, described);
                continue;
              }
              failed++;
              assert.equal(entry.future.state, "rejected", described);
              assert.ok(!entry.cancelled, `${described}, though cancel() took effect`);
              if (entry.afterShutdown) {
                assert.ok(ExecutorShutdownError.isInstance(error), described);
              } else if (TimeoutError.isInstance(error)) {
                assert.ok(entry.timeout, described);
              } else if (WorkerCrashedError.isInstance(error)) {
                assert.ok(isolated && (entry.kind === "exit" || disruptive), described);
              } else {
                assert.equal(entry.kind, "throw", described);
                assert.ok(error instanceof RangeError, described);
                assert.equal(error.message, `fuzz failure ${entry.value}`);
              }
            }
            const stats = executor.stats;
            assert.equal(stats.workers, 0, "no worker remains after shutdown");
            assert.equal(stats.queued + stats.running, 0, `nothing pending after shutdown: ${JSON.stringify(stats)}`);
            assert.deepEqual(
              { submitted: stats.submitted, completed: stats.completed, cancelled: stats.cancelled, failed: stats.failed },
              { submitted: entries.length, completed: fulfilled, cancelled: cancelledCount, failed },
              "stats agree with what the futures saw",
            );
          }),
          { numRuns: runs, endOnFailure: runs <= 50, interruptAfterTimeLimit: runs <= 50 ? 30_000 : undefined, ...replay },
        );
      });
    });

    describe("shutdown under load", () => {
      it("shutdown({ wait: true }) with 10,000 queued tasks finishes them all", async () => {
        const executor = createExecutor({ maxWorkers: 2 });
        const futures = Array.from({ length: 10_000 }, (_, index) => executor.submit(tasks.add, index, 1));
        await within(executor.shutdown({ wait: true }), 60_000, "shutdown with 10,000 queued tasks");
        assert.ok(futures.every((future) => future.state === "fulfilled"), "every task fulfilled before shutdown resolved");
        const results = await within(Promise.all(futures));
        assert.ok(results.every((result, index) => result === index + 1), "every result right");
        assert.deepEqual({ ...executor.stats }, { workers: 0, idle: 0, queued: 0, running: 0, submitted: 10_000, completed: 10_000, failed: 0, cancelled: 0 });
      });

      it("shutdown({ cancelPending: true }) cancels 10,000 queued tasks and lets the running ones finish", async () => {
        const executor = createExecutor({ maxWorkers: 2 });
        const running = [executor.submit(tasks.delayedEcho, "a", 300), executor.submit(tasks.delayedEcho, "b", 300)];
        await eventually(() => executor.stats.running === 2, 10_000, "two tasks running");
        const queued = Array.from({ length: 10_000 }, (_, index) => track(executor.submit(tasks.add, index, 1)));
        await within(executor.shutdown({ cancelPending: true }), 30_000, "shutdown");
        assert.deepEqual(await within(Promise.all(running)), ["a", "b"]);
        for (const { outcome } of queued) {
          const result = await outcome;
          assert.ok(result.state === "rejected" && CancelledError.isInstance(result.error), "a queued task was not cancelled");
        }
        assert.equal(executor.stats.cancelled, 10_000);
        assert.equal(executor.stats.workers, 0);
      });

      it("submit, run and map during shutdown reject with ExecutorShutdownError; a second shutdown is harmless", async () => {
        const executor = createExecutor({ maxWorkers: 1 });
        const slow = executor.submit(tasks.delayedEcho, "slow", 200);
        // Running before the shutdowns (a distributed executor's job waits in its queue until a host takes it).
        await eventually(() => slow.state === "running" || slow.done(), 10_000, "the slow task starting");
        const first = executor.shutdown();
        for (const late of [executor.submit(tasks.add, 1, 1), executor.run(tasks.add, [1, 1])]) {
          const error = await rejection(late);
          assert.ok(ExecutorShutdownError.isInstance(error), `expected ExecutorShutdownError, got ${error.name}`);
        }
        await assert.rejects(async () => {
          for await (const _ of executor.map(tasks.echo, [1, 2, 3])) assert.fail("map yielded during shutdown");
        }, (error: Error) => ExecutorShutdownError.isInstance(error));
        const second = executor.shutdown({ cancelPending: true });
        const third = executor.shutdown({ wait: false });
        await within(Promise.all([first, second, third]), 30_000, "the shutdowns");
        assert.equal(await slow, "slow");
        await within(executor.shutdown(), 5_000, "a shutdown after shutdown");
        assert.equal(executor.stats.workers, 0);
      });

      it("shutdown({ wait: false }) returns at once; the work still finishes and the workers go", async () => {
        const executor = createExecutor({ maxWorkers: 2 });
        const futures = Array.from({ length: 100 }, (_, index) => executor.submit(tasks.add, index, 0));
        await within(executor.shutdown({ wait: false }), 1_000, "shutdown without waiting");
        assert.equal((await within(Promise.all(futures))).length, 100);
        await eventually(() => executor.stats.workers === 0, 10_000, "the workers leaving");
      });

      it("shutdown waits for a task that never returns until it is cancelled, then frees its worker", async () => {
        const executor = createExecutor({ maxWorkers: 1, cancelGrace: 50 });
        const stuck = executor.submit(faults.never);
        stuck.then(undefined, () => {});
        await eventually(() => executor.stats.running === 1, 10_000, "the task starting");
        let done = false;
        const shutdown = executor.shutdown().then(() => (done = true));
        await delay(100);
        assert.equal(done, false, "shutdown waits for the running task, as Python's does");
        stuck.cancel();
        await within(shutdown, 10_000, "shutdown after the cancel");
        assert.equal(executor.stats.workers, 0);
      });

      itOrSkip(!adapter && "no adapter module given for a child script")("a user's script exits by itself after shutdown, even after a crash and a cancel", async () => {
        const { code, signal, lines, stderr } = await runScript("exit", 30_000);
        assert.equal(signal, null, `the script had to be killed: ${stderr}`);
        assert.equal(code, 0, stderr);
        const report = lines[0] as { sum: number; left: number; workers: number[]; pid: number };
        assert.equal(report.sum, 3);
        assert.equal(report.left, 0);
        const children = report.workers.filter((pid) => pid !== report.pid);
        assert.deepEqual(await survivorsAfter(children, 5_000), [], "workers outlived the script");
      });

      for (const signalName of ["SIGINT", "SIGTERM"] as const) {
        itOrSkip(!adapter && "no adapter module given for a child script")(`${signalName} to a user's script with busy workers leaves no worker behind`, async () => {
          const { code, signal, lines, stderr } = await runScript("signal", 30_000, signalName);
          // The script ended (runScript fails on a hang). Usually by the signal; threads.js catches SIGINT/SIGTERM itself, terminates its workers and exits with code 0.
          assert.ok(signal === signalName || code !== null, `the script did not end by ${signalName}: ${stderr}`);
          const report = lines[0] as { workers: number[]; pid: number };
          const children = report.workers.filter((pid) => pid !== report.pid);
          const survivors = await survivorsAfter(children, 5_000);
          for (const pid of survivors) process.kill(pid, "SIGKILL");
          assert.deepEqual(survivors, [], `workers outlived a ${signalName}ed script`);
        });

        itOrSkip(!adapter && "no adapter module given for a child script")(`a ${signalName} handler that calls shutdown({ cancelPending: true }) exits cleanly`, async () => {
          const { code, lines, stderr } = await runScript("handler", 30_000, signalName);
          assert.equal(code, 0, stderr);
          assert.deepEqual(lines[1], { clean: signalName, left: 0 });
          const report = lines[0] as { workers: number[]; pid: number };
          assert.deepEqual(await survivorsAfter(report.workers.filter((pid) => pid !== report.pid), 5_000), [], "workers outlived the script");
        });
      }
    });

    describeEngineFaults({ name, createExecutor, runtime, adapter, capabilities, fuzzRuns: Math.max(2, Math.ceil(runs / 3)), remoteWorkers });

    describe("bad input", () => {
      it("every executor method refuses wrong types, NaN, negative and huge values with an error naming the argument", () =>
        withExecutor({ maxWorkers: 1 }, async (executor) => {
          const before = executor.stats.submitted;
          const refuse = (call: () => unknown, argument: RegExp | string, kind?: ErrorConstructor) => {
            let thrown: unknown;
            try {
              const returned = call() as { then?: unknown };
              if (returned && typeof returned.then === "function") (returned as Promise<unknown>).then(undefined, () => {});
            } catch (error) {
              thrown = error;
            }
            assert.ok(thrown instanceof Error, `${call} did not throw at the call`);
            const error = thrown as Error;
            assert.ok(error instanceof TypeError || error instanceof RangeError || OffloopError.isInstance(error), `${call} threw ${error.name}`);
            if (kind) assert.ok(error instanceof kind, `${call} threw ${error.name}, expected ${kind.name}`);
            assert.match(error.message, typeof argument === "string" ? new RegExp(`\\b${argument}\\b`) : argument, `${call}: ${error.message}`);
          };
          for (const task of [undefined, null, 42, "add", {}, { module: 1, name: "add" }, Symbol("task"), Math.max]) {
            refuse(() => executor.submit(task as never), /task|native/);
            refuse(() => executor.run(task as never, []), /task|native/);
            refuse(() => executor.map(task as never, [1]), /task|native/);
          }
          for (const args of [undefined, null, 1, "ab", { 0: 1, length: 1 }]) refuse(() => executor.run(tasks.add, args as never), "args", TypeError);
          for (const options of [null, 5, "fast"]) refuse(() => executor.run(tasks.add, [1, 2], options as never), "options", TypeError);
          for (const timeout of [NaN, -1, -Infinity]) refuse(() => executor.run(tasks.add, [1, 2], { timeout }), "timeout", RangeError);
          for (const timeout of ["10", null, 10n, {}]) refuse(() => executor.run(tasks.add, [1, 2], { timeout: timeout as never }), "timeout", TypeError);
          for (const signal of [null, "abort", 1, {}, new AbortController()]) refuse(() => executor.run(tasks.add, [1, 2], { signal: signal as never }), "signal", TypeError);
          for (const transfer of [null, "buffer", new ArrayBuffer(1), 1]) refuse(() => executor.run(tasks.add, [1, 2], { transfer: transfer as never }), "transfer", TypeError);
          for (const onProgress of [null, "log", 1, {}]) refuse(() => executor.run(tasks.add, [1, 2], { onProgress: onProgress as never }), "onProgress", TypeError);
          for (const items of [undefined, null, 42, "abc", { length: 2 }]) refuse(() => executor.map(tasks.echo, items as never), "items", TypeError);
          refuse(() => executor.map(tasks.echo, [1], 5 as never), "options", TypeError);
          for (const concurrency of [0, -1, NaN, 1.5, -Infinity]) refuse(() => executor.map(tasks.echo, [1], { concurrency }), "concurrency", RangeError);
          for (const chunkSize of [0, -1, NaN, 2.5]) refuse(() => executor.map(tasks.echo, [1], { chunkSize }), "chunkSize", RangeError);
          refuse(() => executor.map(tasks.echo, [1], { chunkSize: 10, concurrency: 2 }), "chunkSize", RangeError);
          refuse(() => executor.map(tasks.echo, [1], { ordered: "yes" as never }), "ordered", TypeError);
          for (const timeout of [NaN, -5]) refuse(() => executor.map(tasks.echo, [1], { timeout }), "timeout", RangeError);
          for (const signal of ["abort", 1, {}]) refuse(() => executor.map(tasks.echo, [1], { signal: signal as never }), "signal", TypeError);
          for (const options of [null, 5, "now"]) refuse(() => executor.shutdown(options as never), "options", TypeError);
          for (const wait of ["yes", 1, null]) refuse(() => executor.shutdown({ wait: wait as never }), "wait", TypeError);
          for (const cancel of ["yes", 1, null]) refuse(() => executor.shutdown({ cancelPending: cancel as never }), "cancelPending", TypeError);
          assert.equal(executor.stats.submitted, before, "refused calls are not counted as submitted");
          // Odd but valid: cancel reasons of any kind, huge timeouts that outlast a host timer's range.
          const future = executor.submit(tasks.delayedEcho, "late", 100);
          assert.equal(executor.submit(tasks.add, 1, 1).cancel(Symbol("why")), true);
          assert.equal(await within(executor.run(tasks.delayedEcho, ["patient", 50], { timeout: 2 ** 31 })), "patient");
          assert.equal(await within(executor.run(tasks.delayedEcho, ["more patient", 50], { timeout: Number.MAX_SAFE_INTEGER })), "more patient");
          assert.equal(await within(executor.run(tasks.add, [1, 1], { timeout: Infinity })), 2);
          assert.equal(await within(future), "late");
          await keepsServing(executor);
        }));

      it("pool options with wrong types, NaN, negative and huge values fail at construction, naming the option", () => {
        const refuse = (options: Record<string, unknown>, option: string) => {
          assert.throws(() => createExecutor(options as PoolOptions & Record<string, unknown>), (error: Error) => {
            assert.ok(error instanceof TypeError || error instanceof RangeError, `${JSON.stringify(options)} threw ${error.name}`);
            assert.match(error.message, new RegExp(`\\b${option}\\b`), error.message);
            return true;
          }, `${option}: ${String(Object.values(options)[0])} was accepted`);
        };
        for (const value of [0, -1, NaN, 1.5, "2", null]) refuse({ maxWorkers: value }, "maxWorkers");
        for (const value of [-1, NaN, 0.5, "1"]) refuse({ minWorkers: value }, "minWorkers");
        refuse({ minWorkers: 3, maxWorkers: 2 }, "minWorkers");
        for (const value of [-1, NaN, "10"]) refuse({ idleTimeout: value }, "idleTimeout");
        for (const value of [-1, NaN, 1.5, "10"]) refuse({ maxQueue: value }, "maxQueue");
        for (const value of [0, -1, NaN, 2.5]) refuse({ maxTasksPerWorker: value }, "maxTasksPerWorker");
        for (const value of [0, -1, NaN, 1.5, "2"]) refuse({ concurrentTasksPerWorker: value }, "concurrentTasksPerWorker");
        for (const value of [-1, NaN, "1s"]) refuse({ cancelGrace: value }, "cancelGrace");
        for (const value of [5, {}, null]) refuse({ name: value }, "name");
        for (const value of [5, "task"]) refuse({ initializer: value }, "initializer");
        for (const value of ["a", 5, {}]) refuse({ initArgs: value }, "initArgs");
        for (const value of ["yes", 1]) refuse({ captureCallSite: value }, "captureCallSite");
        refuse({ maxWorker: 2 }, "maxWorker");
      });

      it("huge but valid pool options work: idleTimeout and cancelGrace beyond a host timer's range", () =>
        withExecutor({ maxWorkers: 1, idleTimeout: 2 ** 31, cancelGrace: 2 ** 32 }, async (executor) => {
          assert.equal(await within(executor.submit(tasks.whoami)), 0);
          await delay(100);
          assert.equal(executor.stats.workers, 1, "the idle worker is kept, not reaped at once");
          assert.equal(await within(executor.submit(tasks.whoami)), 0, "the same worker serves");
        }));
    });
  });

  /** Runs the user script in a child process of this runtime; with `signalName`, sends it once the workers run. */
  function runScript(mode: "exit" | "signal" | "handler", ms: number, signalName?: "SIGINT" | "SIGTERM") {
    const script = fileURLToPath(new URL("../fixtures/user-script.mjs", import.meta.url));
    const args = [adapter!.module, adapter!.exportName, mode, String(isolated)];
    const command = runtime === "deno" ? [host.Deno!.execPath(), "run", "-A", script, ...args] : [host.process!.execPath, script, ...args];
    return new Promise<{ code: number | null; signal: string | null; lines: unknown[]; stderr: string }>((resolve, reject) => {
      const child = spawn(command[0]!, command.slice(1), { stdio: ["ignore", "pipe", "pipe"] });
      let stdout = "";
      let stderr = "";
      let signalled = false;
      const lines = () => stdout.split("\n").filter((line) => line.startsWith("{")).map((line) => JSON.parse(line) as unknown);
      const timer = setTimeout(() => {
        child.kill("SIGKILL");
        reject(new Error(`the script did not exit within ${ms} ms: ${stdout} ${stderr}`));
      }, ms);
      child.stdout!.on("data", (chunk) => {
        stdout += chunk;
        if (signalName && !signalled && lines().length > 0) {
          signalled = true;
          // process.kill, not child.kill: Deno's ChildProcess.kill() does not deliver the signal asked for.
          setTimeout(() => process.kill(child.pid!, signalName), 100);
        }
      });
      child.stderr!.on("data", (chunk) => (stderr += chunk));
      child.on("exit", (code, signal) => {
        clearTimeout(timer);
        child.stdout!.once("end", () => resolve({ code, signal, lines: lines(), stderr }));
        if (child.stdout!.readableEnded) resolve({ code, signal, lines: lines(), stderr });
      });
    });
  }
}
