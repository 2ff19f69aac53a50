import { describe, it, expect } from "vitest";
import { CancelledError, UnknownTaskError, WorkerCrashedError, type PoolOptions } from "@offloop/core";
import { ThreadPoolExecutor } from "@offloop/web-worker";
import idTasks from "./fixtures/id-tasks.ts";
import unimported from "./fixtures/unimported-tasks.ts";
import lazySetup from "./fixtures/lazy-setup.ts";

const startWorker = () => new Worker(new URL("./fixtures/worker.ts", import.meta.url), { type: "module" });
const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function withExecutor(options: Partial<PoolOptions>, body: (executor: ThreadPoolExecutor) => Promise<void>): Promise<void> {
  const executor = new ThreadPoolExecutor({ ...options, worker: startWorker });
  try {
    await body(executor);
  } finally {
    await executor.shutdown({ cancelPending: true });
  }
}

describe("@offloop/web-worker in Chromium", () => {
  it("runs tasks of a string-id module that the worker entry imports, in a real worker", () =>
    withExecutor({ maxWorkers: 1 }, async (executor) => {
      expect(await executor.submit(idTasks.square, 12)).toBe(144);
      expect(await executor.submit(idTasks.sumOfSquares, [1, 2, 3])).toBe(14);
      const where = await executor.submit(idTasks.where);
      expect(where.inWorker).toBe(true);
      expect(where.isolated).toBe(crossOriginIsolated);
    }));

  it("fails a task of a string-id module the worker entry did not import, naming the id and the fix", () =>
    withExecutor({ maxWorkers: 1 }, async (executor) => {
      const error = await executor.submit(unimported.hello).then(
        () => expect.unreachable("expected the task to fail"),
        (error: unknown) => error as Error,
      );
      expect(UnknownTaskError.isInstance(error), `${error.name}: ${error.message}`).toBe(true);
      expect(error.message).toContain('"web-worker-tests/unimported"');
      expect(error.message).toMatch(/import the module .* in the worker entry/);
      expect(await executor.submit(idTasks.square, 3)).toBe(9);
    }));

  it("runs a string-id task whose module the executor's initializer imported", () =>
    withExecutor({ maxWorkers: 1, initializer: lazySetup.loadUnimported }, async (executor) => {
      expect(await executor.submit(unimported.hello)).toBe("hello");
    }));

  it("reports what a browser can do", () =>
    withExecutor({ maxWorkers: 1 }, async (executor) => {
      expect(executor.capabilities).toMatchObject({ transfer: true, resourceLimits: false, permissions: false, terminatesBusyLoop: true, crashIsolation: true, unref: false });
      expect(executor.capabilities.sharedMemory).toBe(crossOriginIsolated);
    }));

  it("is cross-origin isolated under the COOP/COEP headers of the test server", () => {
    expect(crossOriginIsolated).toBe(true);
    expect(typeof SharedArrayBuffer).toBe("function");
  });

  it("defaults maxWorkers to navigator.hardwareConcurrency, and starts no more", () =>
    withExecutor({}, async (executor) => {
      const cores = navigator.hardwareConcurrency;
      expect(executor.options.maxWorkers).toBe(cores);
      let most = 0;
      const futures = Array.from({ length: cores + 2 }, () => executor.run((ms: number) => new Promise((resolve) => setTimeout(resolve, ms, ms)), [200]));
      const all = Promise.all(futures);
      let settled = false;
      void all.finally(() => (settled = true));
      while (!settled) {
        most = Math.max(most, executor.stats.workers);
        await delay(5);
      }
      await all;
      expect(most).toBeLessThanOrEqual(cores);
      expect(most).toBeGreaterThanOrEqual(1);
    }));

  it("keeps the page's own timers running while every worker spins, and stops the spinning tasks", () =>
    withExecutor({ maxWorkers: 2, cancelGrace: 50 }, async (executor) => {
      const spin = () => {
        for (;;);
      };
      const futures = [executor.submit(spin), executor.submit(spin)];
      while (futures.some((future) => future.state !== "running")) await delay(10);
      let ticks = 0;
      const timer = setInterval(() => ticks++, 10);
      while (ticks < 5) await delay(10);
      clearInterval(timer);
      expect(futures.map((future) => future.state)).toEqual(["running", "running"]);
      for (const future of futures) future.cancel();
      for (const future of futures) await expect(future).rejects.toSatisfy((error: Error) => CancelledError.isInstance(error));
      expect(await executor.submit(idTasks.square, 4)).toBe(16);
    }));

  it("fails a task with WorkerCrashedError when the worker closes itself, and keeps serving", () =>
    withExecutor({ maxWorkers: 1 }, async (executor) => {
      const error = await executor.submit(() => (globalThis as unknown as { close(): void }).close()).then(
        () => expect.unreachable("expected the task to fail"),
        (error: unknown) => error as Error,
      );
      expect(WorkerCrashedError.isInstance(error), `${error.name}: ${error.message}`).toBe(true);
      expect(await executor.submit(idTasks.square, 5)).toBe(25);
    }));

  it("fails tasks clearly when the worker entry cannot load", async () => {
    const executor = new ThreadPoolExecutor({ maxWorkers: 1, worker: () => new Worker(new URL("./fixtures/does-not-exist.ts", import.meta.url), { type: "module" }) });
    try {
      const error = await executor.submit(idTasks.square, 2).then(
        () => expect.unreachable("expected the task to fail"),
        (error: unknown) => error as Error,
      );
      expect(error.name).toMatch(/WorkerCrashedError|WorkerStartError/);
    } finally {
      await executor.shutdown({ cancelPending: true });
    }
  });

  it("says how to give a worker entry when the factory is missing", () => {
    expect(() => new ThreadPoolExecutor({} as never)).toThrow(/worker: \(\) => new Worker\(new URL\("\.\/worker\.js", import\.meta\.url\), \{ type: "module" \}\)/);
    expect(() => new ThreadPoolExecutor({ worker: "worker.js" } as never)).toThrow(TypeError);
  });
});
