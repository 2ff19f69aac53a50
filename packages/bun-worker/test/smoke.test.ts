import { describe, it } from "vitest";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { WorkerCrashedError } from "@offloop/core";
import { ThreadPoolExecutor } from "@offloop/bun-worker";
import tasks from "./fixtures/tasks.ts";

const bun = process.execPath;

describe("@offloop/bun-worker", () => {
  it("runs a TypeScript task module in a Bun worker", async () => {
    await using executor = new ThreadPoolExecutor({ maxWorkers: 2 });
    assert.deepEqual(await Promise.all([1, 2, 3].map((n) => executor.submit(tasks.square, n))), [1, 4, 9]);
  });

  it("reports what Bun can and cannot do", () => {
    const executor = new ThreadPoolExecutor();
    assert.deepEqual(executor.capabilities, { transfer: true, sharedMemory: true, resourceLimits: false, permissions: false, terminatesBusyLoop: true, crashIsolation: true, unref: true });
    return executor.shutdown();
  });

  it("rejects Node-only options with a TypeError that names them", () => {
    assert.throws(() => new ThreadPoolExecutor({ resourceLimits: {} } as never), { name: "TypeError", message: /Unknown option "resourceLimits"/ });
  });

  it("fails only the task whose worker an uncaught error killed, then keeps serving", async () => {
    await using executor = new ThreadPoolExecutor({ maxWorkers: 1 });
    await assert.rejects(executor.submit(tasks.crash), (error: Error) => WorkerCrashedError.isInstance(error) && /stray timer blew up/.test(error.message));
    assert.equal(await executor.submit(tasks.square, 7), 49);
  });

  it("stops a busy loop on timeout and serves from a fresh worker", async () => {
    await using executor = new ThreadPoolExecutor({ maxWorkers: 1, cancelGrace: 50 });
    await assert.rejects(executor.run(tasks.spin, [], { timeout: 50 }), { name: "TimeoutError" });
    assert.equal(await executor.submit(tasks.square, 3), 9);
  });

  it("lets a script exit while idle workers live, without shutdown()", () => {
    const script = `
      import { ThreadPoolExecutor } from "${new URL("../dist/index.js", import.meta.url).href}";
      import tasks from "${new URL("./fixtures/tasks.ts", import.meta.url).href}";
      const executor = new ThreadPoolExecutor({ maxWorkers: 2, idleTimeout: 60_000 });
      console.log(await executor.submit(tasks.square, 12));`;
    const started = performance.now();
    const child = spawnSync(bun, ["-e", script], { encoding: "utf8", timeout: 10_000 });
    assert.equal(child.stdout.trim(), "144", child.stderr);
    assert.equal(child.status, 0);
    assert.ok(performance.now() - started < 5_000, "the process exited promptly");
  });
});
