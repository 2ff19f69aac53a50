import { describe, it, afterEach } from "vitest";
import assert from "node:assert/strict";
import {
  defineTasks,
  describeTask,
  registeredTasks,
  serve,
  TaskDefinitionError,
  UnknownTaskError,
  WorkerPool,
  webWorkerSpawner,
  type WebWorkerLike,
} from "@offloop/core";

// A web Worker stand-in on a MessageChannel: serve() answers in this thread, so the worker's
// registry is this thread's registry, as in a worker whose entry imported the task modules.
function inThreadWorker(): WebWorkerLike {
  const { port1, port2 } = new MessageChannel();
  serve({
    postMessage: (message, transfer) => port2.postMessage(message, (transfer ?? []) as never),
    onMessage: (listener) => port2.addEventListener("message", (event) => listener((event as unknown as { data: never }).data)),
  });
  port2.start();
  port1.start();
  return {
    postMessage: (message, transfer) => port1.postMessage(message, (transfer ?? []) as never),
    addEventListener: (type, listener) => port1.addEventListener(type as "message", listener),
    terminate: () => {
      port1.close();
      port2.close();
    },
  };
}

function inThreadPool(): WorkerPool {
  const spawner = webWorkerSpawner({
    createWorker: inThreadWorker,
    capabilities: { transfer: true, sharedMemory: false, resourceLimits: false, permissions: false, terminatesBusyLoop: false, crashIsolation: false, unref: false },
  });
  return new WorkerPool({ maxWorkers: 1 }, spawner);
}

const math = defineTasks("string-ids-test/math", {
  double(n: number): number {
    return n * 2;
  },
  quadruple(n: number): number {
    return this.double(this.double(n));
  },
});

describe("defineTasks with a stable string id", () => {
  it("names the module with the id and registers its functions under it", () => {
    assert.equal(math.double.module, "string-ids-test/math");
    assert.equal(math.double.name, "double");
    assert.equal(math.quadruple.fn(3), 12);
    assert.equal(typeof registeredTasks("string-ids-test/math")?.double, "function");
    const descriptor = describeTask(math.double);
    assert.equal(descriptor.kind, "module");
    assert.equal(describeTask({ module: "string-ids-test/math", name: "double" }).id, descriptor.id, "a plain { module, name } names the same task");
  });

  it("runs in a worker that has the module, with this bound to the module's tasks", async () => {
    const pool = inThreadPool();
    try {
      assert.equal(await pool.submit(math.double, 21), 42);
      assert.equal(await pool.submit(math.quadruple, 5), 20);
    } finally {
      await pool.shutdown();
    }
  });

  it("fails with an UnknownTaskError naming the id when the worker has not imported the module", async () => {
    const pool = inThreadPool();
    try {
      const error = await pool.submit({ module: "string-ids-test/never-defined", name: "run" } as never).then(
        () => assert.fail("expected the task to fail"),
        (error: unknown) => error as Error,
      );
      assert.ok(UnknownTaskError.isInstance(error), `expected UnknownTaskError, got ${error.name}: ${error.message}`);
      assert.match(error.message, /"string-ids-test\/never-defined"/);
      assert.match(error.message, /import the module .* in the worker entry/);
      assert.equal(await pool.submit(math.double, 1), 2, "the worker keeps serving");
    } finally {
      await pool.shutdown();
    }
  });

  it("fails with an UnknownTaskError listing the module's tasks for a name it lacks", async () => {
    const pool = inThreadPool();
    try {
      const error = await pool.submit({ module: "string-ids-test/math", name: "triple" } as never).then(
        () => assert.fail("expected the task to fail"),
        (error: unknown) => error as Error,
      );
      assert.ok(UnknownTaskError.isInstance(error), `expected UnknownTaskError, got ${error.name}: ${error.message}`);
      assert.match(error.message, /No task named "triple" in task module "string-ids-test\/math" \(its tasks: double, quadruple\)/);
    } finally {
      await pool.shutdown();
    }
  });

  it("refuses ids that are empty, have whitespace, or are not strings", () => {
    for (const bad of ["", "two words", " padded", 42, undefined]) {
      assert.throws(() => defineTasks(bad as string, { a() {} }), (error: Error) => TaskDefinitionError.isInstance(error) && /stable string id/.test(error.message), String(bad));
    }
    assert.equal(defineTasks("@acme/images/thumbnails", { a: () => 1 }).a.module, "@acme/images/thumbnails");
  });
});

describe("defineTasks(import.meta.url) in a bundle", () => {
  const original = Object.getOwnPropertyDescriptor(globalThis, "location");
  afterEach(() => {
    if (original) Object.defineProperty(globalThis, "location", original);
    else delete (globalThis as { location?: unknown }).location;
  });

  it("says to use a string id when a page served over HTTP gets a build machine's file: URL (webpack)", () => {
    Object.defineProperty(globalThis, "location", { value: { protocol: "https:" }, configurable: true, writable: true });
    assert.throws(
      () => defineTasks("file:///home/me/app/src/tasks.ts", { a() {} }),
      (error: Error) => TaskDefinitionError.isInstance(error) && /stable string id/.test(error.message) && /file:\/\/\/home\/me\/app\/src\/tasks\.ts/.test(error.message),
    );
  });

  it("accepts file: URLs outside a page, and http: URLs in one", () => {
    assert.equal(defineTasks("file:///home/me/app/tasks.js", { a: () => 1 }).a.module, "file:///home/me/app/tasks.js");
    Object.defineProperty(globalThis, "location", { value: { protocol: "https:" }, configurable: true, writable: true });
    assert.equal(defineTasks("https://example.test/tasks.js", { a: () => 1 }).a.module, "https://example.test/tasks.js");
  });
});
