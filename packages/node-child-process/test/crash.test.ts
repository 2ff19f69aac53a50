import { describe, it } from "vitest";
import { itOrSkip } from "@offloop/contract-tests";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { WorkerCrashedError } from "@offloop/core";
import { ProcessPoolExecutor } from "@offloop/node-child-process";
import tasks from "./fixtures/tasks.ts";
import { runtimeCommand, runtimeName } from "./helpers.ts";

async function crashOf(promise: PromiseLike<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  assert.fail("expected the task to fail");
}

describe("a crashing child costs one task, never the pool", () => {
  itOrSkip(runtimeName === "deno" && "Deno survives a SIGSEGV sent with kill()")("fails the task of a child killed by SIGSEGV with WorkerCrashedError naming the signal", async () => {
    await using executor = new ProcessPoolExecutor({ maxWorkers: 1 });
    const error = await crashOf(executor.submit(tasks.segfault));
    assert.ok(WorkerCrashedError.isInstance(error), `expected WorkerCrashedError, got ${error.name}: ${error.message}`);
    assert.match(error.message, /killed by SIGSEGV/);
    assert.equal(await executor.submit(tasks.add, 2, 3), 5, "a new child serves the next task");
  });

  it("fails the task of a child over maxOldGenerationSizeMb and says it ran out of memory", async () => {
    if (runtimeName === "bun") {
      assert.throws(() => new ProcessPoolExecutor({ maxOldGenerationSizeMb: 32 }), /Bun ignores --max-old-space-size/);
      return;
    }
    await using executor = new ProcessPoolExecutor({ maxWorkers: 1, maxOldGenerationSizeMb: 32, stdio: "ignore" });
    const started = performance.now();
    const error = await crashOf(executor.run(tasks.hogMemory, [], { timeout: 30_000 }));
    assert.ok(WorkerCrashedError.isInstance(error), `expected WorkerCrashedError, got ${error.name}: ${error.message}`);
    assert.match(error.message, /killed by SIG(ABRT|TRAP).*out of memory \(maxOldGenerationSizeMb: 32\)/);
    assert.ok(performance.now() - started < 10_000, "the limit stopped the child long before the timeout");
    assert.equal(await executor.submit(tasks.add, 1, 1), 2);
  });

  it("rejects bad options at construction, naming them", () => {
    assert.throws(() => new ProcessPoolExecutor({ maxOldGenerationSizeMb: -1 }), /maxOldGenerationSizeMb/);
    assert.throws(() => new ProcessPoolExecutor({ stdio: "pipe" as never }), /Expected stdio to be "inherit", "prefix" or "ignore", got/);
    assert.throws(() => new ProcessPoolExecutor({ serialization: "xml" as never }), TypeError);
    assert.throws(() => new ProcessPoolExecutor({ killSignal: "TERM" as never }), /killSignal/);
    assert.throws(() => new ProcessPoolExecutor({ execArgv: "--inspect" as never }), /execArgv/);
  });
});

describe("stopping children", () => {
  it("kills a child that ignores SIGTERM after the grace period, so shutdown completes", async () => {
    const executor = new ProcessPoolExecutor({ maxWorkers: 1 });
    const pid = await executor.submit(tasks.ignoreSigterm);
    const started = performance.now();
    await executor.shutdown();
    const took = performance.now() - started;
    assert.ok(took >= 1_500, `shutdown took ${Math.round(took)} ms: SIGKILL came before the grace period`);
    assert.ok(took < 10_000, `shutdown took ${Math.round(took)} ms`);
    assert.throws(() => process.kill(pid, 0), "the child is gone");
  });

  it("prefixes each line a child prints with its worker name when stdio is 'prefix'", async () => {
    const [command, ...args] = runtimeCommand(fileURLToPath(new URL("./fixtures/prefix-parent.ts", import.meta.url)));
    const parent = spawn(command!, args, { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    parent.stdout!.on("data", (chunk) => (stdout += chunk));
    parent.stderr!.on("data", (chunk) => (stderr += chunk));
    const code = await new Promise((resolve) => parent.on("close", resolve));
    assert.equal(code, 0, stderr);
    assert.match(stdout, /^\[shouty-0\] hello$/m);
    assert.match(stderr, /^\[shouty-0\] hello on stderr$/m);
  });
});
