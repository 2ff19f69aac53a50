/**
 * The engine's fault cases, one test each, as users met them: bad input that
 * must reject its own Future and lose nothing, crashes that must cost exactly
 * the task that crashed, workers that cannot start, `maxQueue`'s meaning,
 * `stats` right after `submit`, options read through the prototype chain,
 * and a dense random mix of tiny tasks, throws, exits, timeouts and cancels
 * in which every Future must settle as a reference model says. Part of the
 * reliability suite: every adapter runs it on its runtime.
 */
import { describe, expect, it } from "vitest";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { QueueFullError, TaskArgumentError, WorkerCrashedError, WorkerStartError, type PoolOptions } from "@offloop/core";
// @ts-types="../dist/tasks.d.ts"
import tasks from "../dist/tasks.js";
// @ts-types="../dist/faults.d.ts"
import faults from "../dist/faults.js";
import type { ContractExecutor } from "./index.ts";
import { within } from "./within.ts";
import { itOrSkip } from "./skip.ts";

/** What the engine-fault tests need from the reliability suite's options. */
export interface EngineFaultOptions {
  name: string;
  createExecutor(options?: PoolOptions & Record<string, unknown>): ContractExecutor;
  runtime: "node" | "bun" | "deno";
  adapter?: { module: string; exportName: string };
  capabilities: { sharedMemory: boolean; terminatesBusyLoop: boolean; crashIsolation: boolean };
  fuzzRuns: number;
  /** Why local-pool bookkeeping does not apply (workers elsewhere), or undefined. */
  remoteWorkers?: string;
}

type Host = { process?: { execPath: string }; Deno?: { execPath(): string } };
const host = globalThis as unknown as Host;

/** Runs `test`, failing it (instead of hanging the run) if it takes longer than `ms`. */
function guard(ms: number, test: () => Promise<void>): Promise<void> {
  return within(test(), ms, "the test");
}

async function settle(future: PromiseLike<unknown>): Promise<{ ok: true; value: unknown } | { ok: false; error: Error }> {
  try {
    return { ok: true, value: await future };
  } catch (error) {
    return { ok: false, error: error as Error };
  }
}

/** Registers the engine-fault tests (inside the reliability suite's describe). */
export function describeEngineFaults({ createExecutor, runtime, adapter, capabilities, fuzzRuns, remoteWorkers }: EngineFaultOptions): void {
  const notIsolated = !capabilities.crashIsolation && "tasks run on the caller's thread: a crash is the caller's";
  describe("engine faults: bad input loses nothing", () => {
    it("an argument whose getter throws rejects that Future with TaskArgumentError (path and cause); tasks before and after run", () =>
      guard(20_000, async () => {
        const executor = createExecutor({ maxWorkers: 2 });
        try {
          const before = executor.submit(tasks.add, 1, 2);
          const bad = executor.submit(tasks.add, { get x(): number { throw new Error("the getter throws"); } } as never, 1);
          const after = executor.submit(tasks.add, 3, 4);
          const outcome = await settle(bad);
          assert.ok(!outcome.ok, "the Future with a throwing getter was fulfilled");
          assert.ok(TaskArgumentError.isInstance(outcome.error), `expected TaskArgumentError, got ${outcome.error.name}: ${outcome.error.message}`);
          assert.match(outcome.error.message, /args\[0\]\.x/);
          assert.equal((outcome.error.cause as Error | undefined)?.message, "the getter throws");
          assert.equal(await before, 3);
          assert.equal(await after, 7);
        } finally {
          await executor.shutdown();
        }
      }));

    it("a result whose getter throws rejects with TaskArgumentError naming the result path; the worker keeps serving", () =>
      guard(20_000, async () => {
        const executor = createExecutor({ maxWorkers: 1 });
        try {
          const first = await executor.submit(tasks.whoami);
          const outcome = await settle(executor.submit(faults.returnThrowingGetter));
          assert.ok(!outcome.ok && TaskArgumentError.isInstance(outcome.error), `expected TaskArgumentError, got ${outcome.ok ? "a value" : outcome.error.name}`);
          assert.match(outcome.error.message, /result\.nested\.broken/);
          assert.equal(await executor.submit(tasks.add, 2, 2), 4);
          assert.equal(await executor.submit(tasks.whoami), first, "the worker was replaced");
        } finally {
          await executor.shutdown();
        }
      }));

    it("initArgs that cannot be copied are refused at construction with TaskArgumentError naming the path", () => {
      let thrown: unknown;
      try {
        createExecutor({ maxWorkers: 1, initializer: tasks.initialize, initArgs: [{ onReady() {} }] });
      } catch (error) {
        thrown = error;
      }
      assert.ok(TaskArgumentError.isInstance(thrown), `expected TaskArgumentError, got ${String(thrown)}`);
      assert.match((thrown as Error).message, /initArgs\[0\]\.onReady/);
    });

    it("options are read from own properties only: a polluted Object.prototype does not reach the pool or its workers", () =>
      guard(20_000, async () => {
        const proto = Object.prototype as Record<string, unknown>;
        const polluted = { maxQueue: 0, maxWorkers: 0, execArgv: ["--no-such-flag-for-offloop"], env: { OFFLOOP_POLLUTED: "yes" }, initializer: tasks.failInitialize };
        Object.assign(proto, polluted);
        let executor: ContractExecutor | undefined;
        try {
          executor = createExecutor({ maxWorkers: 1 });
        } finally {
          for (const key of Object.keys(polluted)) delete proto[key];
        }
        try {
          const results = await Promise.all([executor.submit(tasks.add, 1, 1), executor.submit(tasks.add, 2, 2), executor.submit(faults.envVar, "OFFLOOP_POLLUTED")]);
          assert.deepEqual(results, [2, 4, null]);
        } finally {
          await executor.shutdown();
        }
      }));
  });

  describe("engine faults: admission", () => {
    itOrSkip(remoteWorkers)("maxQueue counts only tasks waiting for a free slot: maxWorkers 1, maxQueue 2 accepts three and refuses the fourth", () =>
      guard(20_000, async () => {
        const executor = createExecutor({ maxWorkers: 1, maxQueue: 2 });
        try {
          const futures = [1, 2, 3, 4].map(() => executor.submit(tasks.sleep, 30));
          const outcomes = await Promise.all(futures.map(settle));
          assert.deepEqual(outcomes.map((outcome) => outcome.ok), [true, true, true, false]);
          const refused = outcomes[3]!;
          assert.ok(!refused.ok && QueueFullError.isInstance(refused.error));
        } finally {
          await executor.shutdown();
        }
      }));

    itOrSkip(remoteWorkers)("maxQueue 0 means no waiting: a task runs on a free worker, the next is refused while none is free", () =>
      guard(20_000, async () => {
        const executor = createExecutor({ maxWorkers: 1, maxQueue: 0 });
        try {
          const first = executor.submit(tasks.sleep, 30);
          const second = settle(executor.submit(tasks.add, 1, 1));
          assert.equal(await first, 30);
          const refused = await second;
          assert.ok(!refused.ok && QueueFullError.isInstance(refused.error));
          assert.equal(await executor.submit(tasks.add, 1, 1), 2, "a free worker takes a task again");
        } finally {
          await executor.shutdown();
        }
      }));

    itOrSkip(remoteWorkers)("submit hands the task over at once: stats are exact right after submit", () =>
      guard(20_000, async () => {
        // idleTimeout: where idle workers cannot be unref'd (Deno) they are reaped after 100 ms by default.
        const executor = createExecutor({ maxWorkers: 2, idleTimeout: 60_000 });
        try {
          const first = executor.submit(tasks.sleep, 50);
          expect(executor.stats).toMatchObject({ workers: 1, running: 1, queued: 0, submitted: 1 });
          const second = executor.submit(tasks.sleep, 50);
          expect(executor.stats).toMatchObject({ workers: 2, running: 2, queued: 0, submitted: 2 });
          await Promise.all([first, second]);
          const third = executor.submit(tasks.add, 1, 1);
          expect(executor.stats).toMatchObject({ idle: 1, running: 1, queued: 0 });
          await third;
        } finally {
          await executor.shutdown();
        }
      }));

    itOrSkip(!capabilities.crashIsolation ? "tasks run on the caller's thread, which the test blocks" : !capabilities.sharedMemory && "needs shared memory (Atomics.wait on a flag the task sets)")(
      "a caller that blocks its thread right after submit does not deadlock: the task already went to a worker",
      () =>
        guard(20_000, async () => {
          const executor = createExecutor({ maxWorkers: 1 });
          try {
            const flag = new Int32Array(new SharedArrayBuffer(4));
            const future = executor.submit(faults.setFlag, flag);
            assert.equal(Atomics.wait(flag, 0, 0, 15_000), "ok", "the task never ran while the caller blocked");
            assert.equal(await future, 1);
          } finally {
            await executor.shutdown();
          }
        }),
    );
  });

  describe("engine faults: crashes cost exactly the task that crashed", () => {
    itOrSkip(notIsolated)("40 tiny tasks on 2 workers, every 4th calls process.exit(3): exactly those 10 fail, the 30 others succeed", () =>
      guard(60_000, async () => {
        const executor = createExecutor({ maxWorkers: 2 });
        try {
          const futures = Array.from({ length: 40 }, (_, index) => (index % 4 === 3 ? executor.submit(tasks.exit, 3) : executor.submit(tasks.add, index, 0)));
          const outcomes = await Promise.all(futures.map(settle));
          outcomes.forEach((outcome, index) => {
            if (index % 4 === 3) assert.ok(!outcome.ok && WorkerCrashedError.isInstance(outcome.error), `task ${index} (exit) did not fail with WorkerCrashedError`);
            else assert.deepEqual(outcome, { ok: true, value: index }, `innocent task ${index}: ${outcome.ok ? "" : outcome.error.message}`);
          });
          assert.equal(await executor.submit(tasks.add, 1, 1), 2);
        } finally {
          await executor.shutdown();
        }
      }));

    itOrSkip(notIsolated)("a worker that cannot start fails the tasks waiting for it with WorkerStartError (the cause attached), then the pool recovers", () =>
      guard(30_000, async () => {
        const executor = createExecutor({ maxWorkers: 1, initializer: tasks.failInitialize });
        try {
          const outcomes = await Promise.all([executor.submit(tasks.add, 1, 1), executor.submit(tasks.add, 2, 2)].map(settle));
          for (const outcome of outcomes) {
            assert.ok(!outcome.ok && WorkerStartError.isInstance(outcome.error), `expected WorkerStartError, got ${outcome.ok ? "a value" : `${outcome.error.name}: ${outcome.error.message}`}`);
            assert.ok(outcome.error.cause !== undefined, "the cause is attached");
          }
        } finally {
          await executor.shutdown();
        }
      }));

    itOrSkip(notIsolated)(
      "concurrentTasksPerWorker > 1: a cancelled task that ignores its abort gets its worker terminated after cancelGrace, and the task beside it fails with WorkerCrashedError saying why",
      () =>
        guard(30_000, async () => {
          const executor = createExecutor({ maxWorkers: 1, concurrentTasksPerWorker: 2, cancelGrace: 100 });
          try {
            // Both must be running before the cancel: a task cancelled before it starts is only dropped.
            let started = 0;
            let bothStarted!: () => void;
            const running = new Promise<void>((resolve) => (bothStarted = resolve));
            const onProgress = () => ++started === 2 && bothStarted();
            const stubborn = executor.run(faults.ignoreAbort, [], { onProgress });
            const neighbour = executor.run(faults.ignoreAbort, [], { onProgress });
            await running;
            stubborn.cancel();
            const outcome = await settle(neighbour);
            assert.ok(!outcome.ok && WorkerCrashedError.isInstance(outcome.error), "the neighbour did not fail with WorkerCrashedError");
            assert.match(outcome.error.message, /cancelGrace/);
            assert.equal(await executor.submit(tasks.add, 1, 1), 2);
          } finally {
            await executor.shutdown();
          }
        }),
    );

    itOrSkip(runtime !== "node" ? "per-process Node flags are a Node matter" : !adapter && "needs the adapter's module for a user script")(
      "an app started with per-process Node flags (--max-old-space-size, --expose-gc, --stack-size, --stack-trace-limit) runs its tasks",
      () =>
        guard(60_000, async () => {
          const script = fileURLToPath(new URL("../fixtures/user-script.mjs", import.meta.url));
          const flags = ["--max-old-space-size=512", "--expose-gc", "--stack-size=2000", "--stack-trace-limit=10"];
          const result = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
            const child = spawn(host.process!.execPath, [...flags, script, adapter!.module, adapter!.exportName, "exit", String(capabilities.crashIsolation)], { stdio: ["ignore", "pipe", "pipe"] });
            let stdout = "";
            let stderr = "";
            child.stdout!.on("data", (chunk) => (stdout += chunk));
            child.stderr!.on("data", (chunk) => (stderr += chunk));
            const timer = setTimeout(() => child.kill("SIGKILL"), 40_000);
            child.on("close", (code) => {
              clearTimeout(timer);
              resolve({ code, stdout, stderr });
            });
          });
          assert.equal(result.code, 0, `the app exited with ${result.code}: ${result.stdout} ${result.stderr}`);
          const line = JSON.parse(result.stdout.split("\n").find((text) => text.startsWith("{"))!) as { sum: number; left: number };
          assert.equal(line.sum, 3);
          assert.equal(line.left, 0);
        }),
    );
  });

  describe("engine faults: a dense random mix settles every Future as the model says", () => {
    type Kind = "add" | "throw" | "exit" | "timeout" | "cancel";
    const kinds: Kind[] = notIsolated ? ["add", "throw", "cancel"] : ["add", "add", "add", "throw", "exit", "timeout", "cancel"];
    const mixTimeout = Math.max(120_000, fuzzRuns * 20_000);
    it(`random mixes of ${kinds.join(", ")} on 2 workers (cancelGrace 100): innocent tasks succeed, each fault costs its own task only (${fuzzRuns} cases)`, { timeout: mixTimeout + 10_000 }, () =>
      guard(mixTimeout, async () => {
        await fc.assert(
          fc.asyncProperty(fc.array(fc.constantFrom(...kinds), { minLength: 20, maxLength: 120 }), async (ops) => {
            const executor = createExecutor({ maxWorkers: 2, cancelGrace: 100 });
            try {
              // A busy loop where terminate() stops one; elsewhere (Deno) a short one, so the thread is free soon.
              const spin = capabilities.terminatesBusyLoop ? 20_000 : 200;
              const futures = ops.map((kind, index) => {
                switch (kind) {
                  case "add":
                    return executor.submit(tasks.add, index, 1);
                  case "throw":
                    return executor.submit(tasks.throwTypeError, `fault ${index}`);
                  case "exit":
                    return executor.submit(tasks.exit, 3);
                  case "timeout":
                    return executor.run(faults.blockFor, [spin], { timeout: 20 });
                  case "cancel": {
                    const future = executor.submit(tasks.sleep, 5);
                    future.cancel();
                    return future;
                  }
                }
              });
              const outcomes = await Promise.all(futures.map(settle));
              outcomes.forEach((outcome, index) => {
                const kind = ops[index]!;
                const seen = outcome.ok ? `value ${String(outcome.value)}` : `${outcome.error.name}: ${outcome.error.message}`;
                const expected = { add: "fulfilled", throw: "TypeError", exit: "WorkerCrashedError", timeout: "TimeoutError", cancel: "CancelledError" }[kind];
                if (kind === "add") assert.deepEqual(outcome, { ok: true, value: index + 1 }, `op ${index} (add) ${seen}`);
                else assert.ok(!outcome.ok && outcome.error.name === expected, `op ${index} (${kind}): expected ${expected}, got ${seen}`);
              });
              const stats = executor.stats;
              assert.equal(stats.submitted, stats.completed + stats.failed + stats.cancelled, JSON.stringify(stats));
            } finally {
              await executor.shutdown();
            }
          }),
          { numRuns: fuzzRuns, endOnFailure: true },
        );
      }),
    );
  });
}
