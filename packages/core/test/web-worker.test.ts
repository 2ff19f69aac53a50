// webWorkerSpawner (the pool's side of Bun's, Deno's and browsers' web Workers) and serveWebWorker (the
// worker's side), with fake Workers: a fake's other end can be a real serveWebWorker on a fake scope,
// so a WorkerPool runs tasks through both. serveWebWorker installs exit hooks: it runs with every host
// global swapped for a fake (test/host-globals.ts), never patching the test runner's.
import { afterEach, describe, expect, it, vi } from "vitest";
import { receiveMessageOnPort, type MessagePort } from "node:worker_threads";
import { manualClock, OP, PROGRESS_FIELDS, PROTOCOL_VERSION, WorkerCrashedError, WorkerPool, webWorkerSpawner, type SpawnerCapabilities, type WebWorkerLike } from "@offloop/core";
import { serveWebWorker } from "@offloop/core/worker";
import { canFake, NO_HOST, withHostGlobals } from "./host-globals.ts";
import { macrotask, recordsOf, until, wire } from "./simulated-workers.ts";

/** The next message a worker answered on `port`, its records read by name (waits in macrotask turns). */
async function nextAnswer(port: MessagePort): Promise<unknown[][]> {
  let message: unknown;
  await until(() => (message = receiveMessageOnPort(port)?.message) !== undefined, "an answer");
  return recordsOf(message as unknown[]);
}

/** What a scope posted, records read by name (an exit notice is not a record: it stays as it is). */
const named = (messages: unknown[]): unknown[] => messages.flatMap((message) => (Array.isArray(message) ? recordsOf(message) : [message]));

const capabilities: SpawnerCapabilities = { transfer: true, sharedMemory: false, resourceLimits: false, permissions: false, crashIsolation: true, terminatesBusyLoop: true, unref: false };

type Listener = (event: any) => void;

/** A fake web Worker: records what the pool does to it; `emit` fires its events. */
class FakeWorker implements WebWorkerLike {
  readonly posted: Array<{ message: unknown; transfer?: unknown[] }> = [];
  readonly listeners = new Map<string, Listener[]>();
  terminated = 0;
  refs: string[] = [];
  constructor(readonly entry?: URL, readonly options?: Record<string, unknown>) {}
  postMessage(message: unknown, transfer?: unknown[]): void {
    this.posted.push(transfer ? { message, transfer } : { message });
  }
  addEventListener(type: string, listener: Listener): void {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }
  terminate(): void {
    this.terminated++;
  }
  emit(type: string, event: unknown): void {
    for (const listener of this.listeners.get(type) ?? []) listener(event);
  }
}

function spawnOne(options: Partial<Parameters<typeof webWorkerSpawner>[0]> = {}) {
  const made: FakeWorker[] = [];
  const spawner = webWorkerSpawner({
    capabilities,
    entry: new URL("file:///worker.js"),
    createWorker: (entry, workerOptions) => {
      const worker = new FakeWorker(entry, workerOptions);
      made.push(worker);
      return worker;
    },
    ...options,
  });
  const handle = spawner.spawn({ workerId: 0, name: "pool-0" });
  const exits: Array<number | null> = [];
  const errors: unknown[] = [];
  const messages: unknown[] = [];
  handle.onExit((code) => void exits.push(code));
  handle.onError((error) => void errors.push(error));
  handle.onMessage((message) => void messages.push(message));
  return { spawner, handle, worker: made[0]!, exits, errors, messages };
}

afterEach(() => void vi.unstubAllGlobals());

describe("webWorkerSpawner", () => {
  it("starts a module Worker with the entry, the extra options and the worker's name", () => {
    const { worker, spawner } = spawnOne({ workerOptions: { deno: { permissions: "none" } }, defaultMaxWorkers: 3, defaultIdleTimeout: 50 });
    expect(worker.entry!.href).toBe("file:///worker.js");
    expect(worker.options).toEqual({ deno: { permissions: "none" }, type: "module", name: "pool-0" });
    expect(spawner.capabilities).toBe(capabilities);
    expect(spawner.defaultMaxWorkers).toBe(3);
    expect(spawner.defaultIdleTimeout).toBe(50);
  });

  it("sends messages with or without a transfer list, passes protocol messages on, and refs/unrefs where the host can", () => {
    const { handle, worker, messages } = spawnOne();
    const buffer = new ArrayBuffer(1);
    handle.send(["run", 1, 1, [], 0]);
    handle.send(["run", 2, 1, [buffer], 0], [buffer]);
    expect(worker.posted).toEqual([{ message: ["run", 1, 1, [], 0] }, { message: ["run", 2, 1, [buffer], 0], transfer: [buffer] }]);
    worker.emit("message", { data: ["ok", 1, 2] });
    expect(messages).toEqual([["ok", 1, 2]]);
    handle.ref();
    handle.unref();
    (worker as unknown as { ref(): void }).ref = () => void worker.refs.push("ref");
    (worker as unknown as { unref(): void }).unref = () => void worker.refs.push("unref");
    handle.ref();
    handle.unref();
    expect(worker.refs).toEqual(["ref", "unref"]);
  });

  it("without an exit event, terminate() reports the exit (code 1) once and resolves", async () => {
    const { handle, worker, exits } = spawnOne();
    await handle.terminate();
    await handle.terminate();
    expect(worker.terminated).toBe(1);
    expect(exits).toEqual([1]);
  });

  it("with an exit event, the exit is the host's event, with its code, and terminate() waits for it", async () => {
    const { handle, worker, exits } = spawnOne({ exitEvent: "close" });
    let done = false;
    const terminating = handle.terminate().then(() => (done = true));
    await macrotask();
    expect(worker.terminated).toBe(1);
    expect(done).toBe(false);
    worker.emit("close", { code: 0 });
    await terminating;
    expect(exits).toEqual([0]);
    // An event without a code counts as abnormal; only the first counts.
    worker.emit("close", {});
    expect(exits).toEqual([0]);
    const other = spawnOne({ exitEvent: "close" });
    other.worker.emit("close", undefined);
    expect(other.exits).toEqual([1]);
  });

  it("an uncaught error in the worker: onError gets it, the worker is terminated and its exit reported once", () => {
    const { worker, errors, exits } = spawnOne();
    const thrown = new RangeError("in worker");
    let prevented = false;
    worker.emit("error", { error: thrown, preventDefault: () => (prevented = true) });
    expect(prevented).toBe(true);
    expect(errors).toEqual([thrown]);
    expect(worker.terminated).toBe(1);
    expect(exits).toEqual([1]);
    worker.emit("error", { error: new Error("again") });
    expect(errors).toHaveLength(1);
  });

  it("an error event without the error object becomes an Error from its message and place", () => {
    const first = spawnOne();
    first.worker.emit("error", { message: "boom", filename: "tasks.js", lineno: 3 });
    expect((first.errors[0] as Error).message).toBe("Uncaught error in worker: boom (tasks.js:3)");
    const second = spawnOne();
    second.worker.emit("error", {});
    expect((second.errors[0] as Error).message).toBe("Uncaught error in worker: unknown error");
    const third = spawnOne();
    third.worker.emit("messageerror", {});
    expect((third.errors[0] as Error).message).toBe("A message from the worker could not be deserialized");
  });

  it("an exit notice from the worker (it exited by itself) reports its exit, not as a message", () => {
    const { worker, exits, messages } = spawnOne();
    worker.emit("message", { data: { offloopExit: 3 } });
    expect(exits).toHaveLength(1);
    expect(worker.terminated).toBe(1);
    expect(messages).toEqual([]);
    worker.emit("message", { data: { offloopExit: 4 } });
    expect(exits).toHaveLength(1);
    const unknownCode = spawnOne();
    unknownCode.worker.emit("message", { data: { offloopExit: null } });
    expect(unknownCode.exits).toEqual([1]);
  });

  it("an exit notice reports the worker's own exit code", () => {
    const { worker, exits } = spawnOne();
    worker.emit("message", { data: { offloopExit: 3 } });
    expect(exits).toEqual([3]);
  });

  it("with exitLock, the worker is asked to hold a Web Lock, and its exit is reported once the lock is free", async () => {
    let release!: () => void;
    const requested: string[] = [];
    vi.stubGlobal("navigator", {
      locks: {
        request: (name: string) => {
          requested.push(name);
          return new Promise<void>((resolve) => (release = resolve));
        },
      },
    });
    const { handle, worker, exits } = spawnOne({ exitLock: true });
    const lockName = (worker.posted[0]!.message as { offloopExitLock: string }).offloopExitLock;
    expect(lockName).toMatch(/^offloop-worker-exit-/);
    const terminating = handle.terminate();
    await macrotask();
    expect(requested).toEqual([lockName]);
    expect(exits).toEqual([]);
    release();
    await terminating;
    expect(exits).toEqual([1]);
  });

  it("with exitLock, an exit notice reports the worker's code once the lock is free; a failed lock request counts as free", async () => {
    vi.stubGlobal("navigator", { locks: { request: () => Promise.reject(new Error("no locks here")) } });
    const { worker, exits } = spawnOne({ exitLock: true });
    worker.emit("message", { data: { offloopExit: 5 } });
    await until(() => exits.length > 0);
    expect(exits).toEqual([5]);
  });

  it("with exitLock where the host has no Web Locks, the exit is reported at terminate()", async () => {
    vi.stubGlobal("navigator", {});
    const { handle, worker, exits } = spawnOne({ exitLock: true });
    expect(worker.posted).toEqual([]);
    await handle.terminate();
    expect(exits).toEqual([1]);
  });

  it("the default createWorker uses the global Worker, and says so where there is none or no entry", () => {
    vi.stubGlobal("Worker", undefined);
    expect(() => webWorkerSpawner({ capabilities, entry: new URL("file:///w.js") }).spawn({ workerId: 0, name: "p-0" })).toThrow(
      "This runtime has no global Worker; use the offloop adapter made for it",
    );
    const made: FakeWorker[] = [];
    vi.stubGlobal(
      "Worker",
      class extends FakeWorker {
        constructor(entry: URL, options: Record<string, unknown>) {
          super(entry, options);
          made.push(this);
        }
      },
    );
    expect(() => webWorkerSpawner({ capabilities }).spawn({ workerId: 0, name: "p-0" })).toThrow(new TypeError("webWorkerSpawner needs an entry URL or a createWorker function"));
    webWorkerSpawner({ capabilities, entry: new URL("file:///w.js") }).spawn({ workerId: 1, name: "p-1" });
    expect(made.map((worker) => worker.options?.name)).toEqual(["p-1"]);
  });
});

/** A fake worker scope (`self`) served by the real serveWebWorker. */
class FakeScope {
  readonly toParent: unknown[] = [];
  readonly listeners = new Map<string, Listener[]>();
  closed = 0;
  onPost: ((message: unknown, transfer?: unknown[]) => void) | undefined;
  postMessage(message: unknown, transfer?: unknown[]): void {
    this.toParent.push(message);
    this.onPost?.(message, transfer);
  }
  addEventListener(type: string, listener: Listener): void {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }
  close(): void {
    this.closed++;
  }
  emit(type: string, event: unknown): void {
    for (const listener of this.listeners.get(type) ?? []) listener(event);
  }
}

/** serveWebWorker on a fake scope, as on a host that is not Deno or Bun (a browser) unless `host` says otherwise. */
function serveOn(
  scope: FakeScope,
  options: { exitCode?: () => number | undefined; host?: Record<string, unknown>; receiveMessageOnPort?: typeof receiveMessageOnPort; loadReceiveMessageOnPort?: () => Promise<typeof receiveMessageOnPort> } = {},
) {
  const { host, ...serveOptions } = options;
  withHostGlobals({ ...NO_HOST, ...host }, () => serveWebWorker({ scope, ...serveOptions }));
}

// Bun and Deno: pool and worker talk over a MessageChannel of the pool's, whose ends are read synchronously.
describe("webWorkerSpawner and serveWebWorker with receiveMessageOnPort", () => {
  it("the pool sends its port first and then talks over it; what the worker posted before it went is read before its exit is reported", () => {
    const { handle, worker, exits, messages } = spawnOne({ receiveMessageOnPort });
    const first = worker.posted[0]!;
    const port = (first.message as { offloopPort: MessagePort }).offloopPort;
    expect(first.transfer).toEqual([port]);
    handle.send(["hello", PROTOCOL_VERSION, 0, 1, null, 0, null]);
    expect(worker.posted).toHaveLength(1);
    expect(receiveMessageOnPort(port)?.message).toEqual(["hello", PROTOCOL_VERSION, 0, 1, null, 0, null]);
    // Posted, and terminated before it could be dispatched (Deno's terminate() is synchronous).
    port.postMessage(["ok", 1, 42]);
    expect(handle.receiveSync).toBeTypeOf("function");
    void handle.terminate();
    expect(messages).toEqual([["ok", 1, 42]]);
    expect(exits).toEqual([1]);
    port.close();
  });

  it("an exit notice taken with receiveSync reports the exit, and is not handed on as a message (Deno fires nothing else)", () => {
    const { handle, worker, exits, messages } = spawnOne({ receiveMessageOnPort });
    const port = (worker.posted[0]!.message as { offloopPort: MessagePort }).offloopPort;
    port.postMessage(["exiting", 1]);
    port.postMessage({ offloopExit: 3 });
    expect(handle.receiveSync!()).toEqual(["exiting", 1]);
    expect(handle.receiveSync!()).toBeUndefined();
    expect(exits).toEqual([3]);
    expect(messages).toEqual([]);
    expect(worker.terminated).toBe(1);
    port.close();
  });

  it("serveWebWorker serves over the pool's port: ready, answers and the exit notice go there, and it takes messages synchronously", () => {
    const scope = new FakeScope();
    serveOn(scope, { exitCode: () => 3, receiveMessageOnPort });
    expect(named(scope.toParent)).toEqual([]);
    const { port1, port2 } = new MessageChannel();
    scope.emit("message", { data: { offloopPort: port2 } });
    expect(receiveMessageOnPort(port1)?.message).toEqual([OP.ready, PROTOCOL_VERSION]);
    port1.postMessage(wire("hello", PROTOCOL_VERSION, 0, 1, null, 0, null, "source", 1, "(n) => n * 2", "run", 1, 1, [21], 0));
    // The worker's receive is synchronous too: the unload below flushes what it took.
    scope.emit("unload", {});
    const after: unknown[] = [];
    for (let got = receiveMessageOnPort(port1); got; got = receiveMessageOnPort(port1)) after.push(got.message);
    expect(after.at(-1)).toEqual({ offloopExit: 3 });
    expect(named(scope.toParent)).toEqual([]);
    port1.close();
    port2.close();
  });

  it("loadReceiveMessageOnPort: served over the port at once; the receive is loaded after the first answer, and only then read synchronously", async () => {
    const scope = new FakeScope();
    let loads = 0;
    let reads = 0;
    const counted: typeof receiveMessageOnPort = (port) => (reads++, receiveMessageOnPort(port));
    serveOn(scope, { loadReceiveMessageOnPort: async () => (loads++, counted) });
    const { port1, port2 } = new MessageChannel();
    scope.emit("message", { data: { offloopPort: port2 } });
    expect(receiveMessageOnPort(port1)?.message).toEqual([OP.ready, PROTOCOL_VERSION]);
    expect(loads).toBe(0);
    // An idle worker spins (50 us) on the doorbell, reading the port synchronously once it can.
    const progress = new Int32Array(new SharedArrayBuffer(PROGRESS_FIELDS * 4));
    port1.postMessage(wire("hello", PROTOCOL_VERSION, 0, 1, progress, 50, null, "source", 1, "(n) => n * 2", "run1", 1, 1, 21, 0));
    // Not loaded yet: the message came by its event, nothing was read synchronously, and the answer went over the port.
    expect(await nextAnswer(port1)).toEqual([["ok", 1, 42]]);
    expect(loads).toBe(1);
    expect(reads).toBe(0);
    await macrotask();
    port1.postMessage(wire("run1", 2, 1, 4, 0));
    expect(await nextAnswer(port1)).toEqual([["ok", 2, 8]]);
    expect(reads).toBeGreaterThan(0);
    expect(loads).toBe(1);
    expect(named(scope.toParent)).toEqual([]);
    port1.close();
    port2.close();
  });

  it("loadReceiveMessageOnPort that throws or rejects: the worker goes on serving by events", async () => {
    for (const loader of [
      () => {
        throw new Error("no worker_threads here");
      },
      () => Promise.reject(new Error("no worker_threads here")),
    ]) {
      const scope = new FakeScope();
      serveOn(scope, { loadReceiveMessageOnPort: loader as () => Promise<typeof receiveMessageOnPort> });
      const { port1, port2 } = new MessageChannel();
      scope.emit("message", { data: { offloopPort: port2 } });
      expect(receiveMessageOnPort(port1)?.message).toEqual([OP.ready, PROTOCOL_VERSION]);
      port1.postMessage(wire("hello", PROTOCOL_VERSION, 0, 1, null, 0, null, "source", 1, "(n) => n * 2", "run1", 1, 1, 21, 0));
      expect(await nextAnswer(port1)).toEqual([["ok", 1, 42]]);
      port1.postMessage(wire("run1", 2, 1, 5, 0));
      expect(await nextAnswer(port1)).toEqual([["ok", 2, 10]]);
      // Each answer went once: nothing is left on the port.
      expect(receiveMessageOnPort(port1)).toBeUndefined();
      port1.close();
      port2.close();
    }
  });

  it("an entry without receiveMessageOnPort that is sent a port still reads it, and answers over its own channel", async () => {
    const scope = new FakeScope();
    serveOn(scope);
    const { port1, port2 } = new MessageChannel();
    scope.emit("message", { data: { offloopPort: port2 } });
    port1.postMessage(wire("hello", PROTOCOL_VERSION, 0, 1, null, 0, null, "source", 1, "(n) => n * 2", "run1", 1, 1, 21, 0));
    await until(() => scope.toParent.length === 2, "the answer");
    expect(named(scope.toParent)).toEqual([["ready", PROTOCOL_VERSION], ["ok", 1, 42]]);
    port1.close();
    port2.close();
  });

  it("a pool that sends no port is served over the worker's own channel", () => {
    const scope = new FakeScope();
    serveOn(scope, { receiveMessageOnPort });
    scope.emit("message", { data: wire("hello", PROTOCOL_VERSION, 0, 1, null, 0, null, "source", 1, "(n) => n + 1", "run", 1, 1, [1], 0) });
    expect(named(scope.toParent)).toEqual([["ready", PROTOCOL_VERSION], ["ok", 1, 2]]);
  });
});

describe("serveWebWorker", () => {
  it("serves tasks on the scope: ready first, then answers what the pool sends", () => {
    const scope = new FakeScope();
    serveOn(scope);
    expect(named(scope.toParent)).toEqual([["ready", PROTOCOL_VERSION]]);
    scope.emit("message", { data: wire("hello", PROTOCOL_VERSION, 0, 1, null, 0, null, "source", 1, "(n) => n * 2", "run", 1, 1, [21], 0) });
    expect(named(scope.toParent).at(-1)).toEqual(["ok", 1, 42]);
  });

  it("unload (the worker exits by itself): finished results and the count taken up, then the exit notice with the code", () => {
    const scope = new FakeScope();
    serveOn(scope, { exitCode: () => 3 });
    scope.emit("message", { data: wire("hello", PROTOCOL_VERSION, 0, 1, null, 0, null) });
    scope.emit("unload", {});
    expect(named(scope.toParent).slice(-2)).toEqual([["exiting", 0], { offloopExit: 3 }]);
    const noCode = new FakeScope();
    serveOn(noCode, { exitCode: () => undefined });
    noCode.emit("unload", {});
    expect(noCode.toParent.at(-1)).toEqual({ offloopExit: null });
  });

  it.runIf(canFake("Bun"))("close() in a browser tells the pool before the worker closes; on Deno and Bun it is left to their own events (skipped on Bun: its Bun global cannot be hidden to play a browser)", () => {
    const scope = new FakeScope();
    serveOn(scope, { exitCode: () => 0 });
    scope.close();
    expect(named(scope.toParent).at(-1)).toEqual({ offloopExit: 0 });
    expect(scope.closed).toBe(1);
    for (const host of [{ Deno: {} }, ...(canFake("Bun") ? [{ Bun: {} }] : [])]) {
      const other = new FakeScope();
      serveOn(other, { host });
      other.close();
      expect(named(other.toParent)).toEqual([["ready", PROTOCOL_VERSION]]);
      expect(other.closed).toBe(1);
    }
    // Telling the pool must not stop the worker from closing.
    const failing = new FakeScope();
    serveOn(failing, { exitCode: () => {
      throw new Error("cannot read the code");
    } });
    failing.close();
    expect(failing.closed).toBe(1);
  });

  it("an exit-lock request from the pool holds that Web Lock", () => {
    const requested: string[] = [];
    vi.stubGlobal("navigator", { locks: { request: (name: string) => (requested.push(name), new Promise(() => {})) } });
    const scope = new FakeScope();
    serveOn(scope);
    scope.emit("message", { data: { offloopExitLock: "offloop-worker-exit-x" } });
    expect(requested).toEqual(["offloop-worker-exit-x"]);
    expect(named(scope.toParent)).toEqual([["ready", PROTOCOL_VERSION]]);
  });
});

describe("WorkerPool on web Workers (both fakes joined)", () => {
  /** A spawner whose fake Workers talk to serveWebWorker on a fake scope, copying messages on microtasks. */
  function joined() {
    const scopes: FakeScope[] = [];
    const spawner = webWorkerSpawner({
      capabilities,
      createWorker: () => {
        const worker = new FakeWorker();
        const scope = new FakeScope();
        scopes.push(scope);
        let open = true;
        scope.onPost = (message, transfer) => {
          const copy = structuredClone(message, transfer ? { transfer: transfer as never[] } : undefined);
          queueMicrotask(() => open && worker.emit("message", { data: copy }));
        };
        worker.postMessage = (message, transfer) => {
          const copy = structuredClone(message, transfer ? { transfer: transfer as never[] } : undefined);
          queueMicrotask(() => open && scope.emit("message", { data: copy }));
        };
        worker.terminate = () => void (open = false);
        serveOn(scope, { exitCode: () => 7 });
        return worker;
      },
    });
    return { spawner, scopes };
  }

  it("runs tasks, and a worker that exits by itself (unload) fails only its task with WorkerCrashedError", async () => {
    const { spawner, scopes } = joined();
    const pool = new WorkerPool({ maxWorkers: 1, clock: manualClock() }, spawner);
    expect(await pool.submit((n: number) => n + 1, 1)).toBe(2);
    // As Deno does when a task calls process.exit(): the worker's unload event fires.
    (globalThis as { __unloadScope?: () => void }).__unloadScope = () => scopes[0]!.emit("unload", {});
    const error = await pool.submit(() => (globalThis as unknown as { __unloadScope(): void }).__unloadScope()).catch((reason: Error) => reason);
    expect(error).toBeInstanceOf(WorkerCrashedError);
    // The worker's own exit code, from its exit notice.
    expect((error as Error).message).toMatch(/^Worker 0 exited with code 7 while running this task$/);
    expect(await pool.submit((n: number) => n * 3, 3)).toBe(9);
    expect(scopes).toHaveLength(2);
    await pool.shutdown();
    expect(pool.stats.workers).toBe(0);
  });
});
