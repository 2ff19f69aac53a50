import { describe, it } from "vitest";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { ThreadPoolExecutor } from "@offloop/node-worker-threads";
import { WorkerCrashedError } from "@offloop/core";
import tasks from "@offloop/contract-tests/fixtures/tasks";
// @ts-expect-error: a plain JavaScript task module without types (Node 20 workers cannot load TypeScript)
import leakyModule from "./fixtures/leak.mjs";
const leaky = leakyModule as { leak: import("@offloop/core").Task<[], never> };

describe("Node worker_threads specifics", () => {
  it("lets a script that forgets shutdown() exit by itself", () => {
    const script = fileURLToPath(new URL("./fixtures/forget-shutdown.mjs", import.meta.url));
    const child = spawnSync(process.execPath, [script], { encoding: "utf8", timeout: 30_000 });
    assert.equal(child.signal, null, "the script had to be killed: it did not exit");
    assert.equal(child.status, 0, child.stderr);
    assert.equal(child.stdout.trim(), "[3,610]");
  });

  it("lets a script exit after a task was refused for an uncloneable argument", () => {
    const script = fileURLToPath(new URL("./fixtures/bad-argument-exit.mjs", import.meta.url));
    const child = spawnSync(process.execPath, [script], { encoding: "utf8", timeout: 30_000 });
    assert.equal(child.signal, null, "the script had to be killed: it did not exit");
    assert.equal(child.status, 0, child.stderr);
    assert.equal(child.stdout.trim(), "TaskArgumentError");
  });

  it("fails only the task that runs out of memory under resourceLimits, and keeps serving", async () => {
    const executor = new ThreadPoolExecutor({ maxWorkers: 1, resourceLimits: { maxOldGenerationSizeMb: 32 } });
    try {
      const error = await executor.submit(leaky.leak).then(
        () => assert.fail("the leak succeeded"),
        (error: unknown) => error as Error,
      );
      assert.ok(WorkerCrashedError.isInstance(error), `expected WorkerCrashedError, got ${error.name}: ${error.message}`);
      assert.match(error.message, /memory/i);
      assert.equal(await executor.submit(tasks.add, 1, 1), 2);
    } finally {
      await executor.shutdown();
    }
  });

  it("rejects bad options at construction, naming the option", () => {
    assert.throws(() => new ThreadPoolExecutor({ maxWorkers: -1 }), /maxWorkers.*-1/);
    assert.throws(() => new ThreadPoolExecutor({ maxWorkers: 1.5 }), RangeError);
    assert.throws(() => new ThreadPoolExecutor({ maxWorker: 2 } as never), /Unknown option "maxWorker"/);
    assert.throws(() => new ThreadPoolExecutor({ execArgv: "--inspect" as never }), /execArgv/);
    assert.throws(() => new ThreadPoolExecutor({ minWorkers: 3, maxWorkers: 2 }), /minWorkers/);
  });
});
