// The worker side, driven through a fake port: what a pool would receive for what it sends.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { CancelledError, defineTasks, deserializeError, DOORBELL, LANE_BYTES, LANE_STRING_UNITS, LaneState, OP, SpinLane, PROGRESS_FIELDS, PROTOCOL_VERSION, TAKEN_UP, serializeError, TaskArgumentError, TaskDefinitionError, UnknownTaskError, type SerializedError } from "@offloop/core";
import { serve, taskContext, withTransfer, type ServedWorker } from "@offloop/core/worker";
import { Mutex, packShared } from "@offloop/core/shared";
import { macrotask, recordsOf, until, wire } from "./simulated-workers.ts";

type Host = typeof globalThis & {
  __gates: Map<string, { promise: Promise<unknown>; resolve: (value?: unknown) => void }>;
  __context: typeof taskContext;
  __withTransfer: typeof withTransfer;
  __now: number;
  __log: unknown[];
};
const host = globalThis as Host;

interface Posted {
  message: unknown[];
  transfer: unknown[] | undefined;
}

/** A worker served on a fake port; `send` is the pool's side. Messages are copied as a real port copies them. */
function worker(options: { receiveSync?: () => unknown[] | undefined } = {}) {
  const posted: Posted[] = [];
  let listener: ((message: unknown[]) => void) | undefined;
  const served: ServedWorker = serve({
    postMessage: (message, transfer) => {
      const copy = structuredClone(message, transfer ? { transfer: transfer as never[] } : undefined);
      posted.push({ message: copy, transfer });
    },
    onMessage: (next) => (listener = next),
    ...(options.receiveSync ? { receiveSync: options.receiveSync } : {}),
  });
  const records = () => posted.flatMap(({ message }) => recordsOf(message));
  return {
    posted,
    served,
    /** Sends records written with op names (see wire). */
    send: (...message: unknown[]) => listener!(wire(...message)),
    /** Every record posted so far, without the first `ready`. */
    records: () => records().filter((record) => record[0] !== "ready"),
    result: (taskId: number) => records().find((record) => (record[0] === "ok" || record[0] === "error" || record[0] === "dropped") && record[1] === taskId),
  };
}

const hello = (concurrency = 1, workerId = 7) => ["hello", PROTOCOL_VERSION, workerId, concurrency, null, 0, null];
const errorOf = (record: unknown[] | undefined): Error => {
  expect(record?.[0]).toBe("error");
  return deserializeError(record![2] as SerializedError);
};
const fixture = (name: string) => new URL(`./fixtures/${name}`, import.meta.url).href;

function gate(key: string): (value?: unknown) => void {
  let resolve!: (value?: unknown) => void;
  const promise = new Promise((done) => (resolve = done));
  host.__gates.set(key, { promise, resolve });
  return (value) => resolve(value ?? key);
}
const holdSource = "(key) => globalThis.__gates.get(key).promise";

beforeEach(() => {
  host.__gates = new Map();
  host.__context = taskContext;
  host.__withTransfer = withTransfer;
  host.__log = [];
  // The worker's time slices read performance.now(): stubbed, time passes only when a test says so,
  // so that a loaded machine never splits a batch into slices behind a test's back.
  host.__now = 0;
  vi.stubGlobal("performance", { now: () => host.__now });
});
afterEach(() => void vi.unstubAllGlobals());

describe("serve", () => {
  it("says it is ready, with its protocol version, before anything else", () => {
    const { posted } = worker();
    expect(posted).toEqual([{ message: [OP.ready, PROTOCOL_VERSION], transfer: undefined }]);
  });

  it("refuses a pool that speaks another version, and then serves nothing", () => {
    const { send, records } = worker();
    send("hello", 99, 0, 1, null, 0, null);
    send("source", 1, "(a) => a", "run", 1, 1, [1], 0);
    const [record, ...rest] = records();
    expect(record![0]).toBe("initError");
    expect(deserializeError(record![1] as SerializedError).message).toBe(
      `offloop protocol mismatch: the pool speaks version 99, this worker ${PROTOCOL_VERSION}. Use one version of @offloop/core and its adapter.`,
    );
    expect(rest).toEqual([]);
  });

  it("runs source functions (arrows, function expressions, method shorthand) and answers synchronously", () => {
    const { send, records } = worker();
    send(...hello());
    send("source", 1, "(a, b) => a + b", "run", 10, 1, [1, 2], 0);
    // Results of what ran synchronously go back at once, not a microtask later.
    expect(records()).toEqual([["ok", 10, 3]]);
    send("source", 2, "function named(n) { return n * 2; }", "run", 11, 2, [4], 0);
    send("source", 3, "triple(n) { return n * 3; }", "run", 12, 3, [4], 0);
    send("source", 4, "async (n) => n + 1", "run", 13, 4, [1], 0);
    expect(records().slice(1, 3)).toEqual([["ok", 11, 8], ["ok", 12, 12]]);
  });

  it("run1 runs a task with its one argument as sent (not wrapped in an array), arrays included", () => {
    const { send, records } = worker();
    send(...hello());
    send("source", 1, "(a, ...rest) => [a, rest.length]", "run1", 10, 1, [1, 2], 0, "run1", 11, 1, undefined, 0);
    expect(records()).toEqual([["ok", 10, [[1, 2], 0]], ["ok", 11, [undefined, 0]]]);
  });

  it("an async result is sent when it settles", async () => {
    const { send, result } = worker();
    send(...hello());
    send("source", 1, "async (n) => n + 1", "run", 1, 1, [1], 0);
    expect(result(1)).toBeUndefined();
    await until(() => result(1) !== undefined);
    expect(result(1)).toEqual(["ok", 1, 2]);
  });

  it("a source that does not compile, or is not a function, fails each task that uses it", () => {
    const { send, result } = worker();
    send(...hello());
    send("source", 1, "(((", "run", 1, 1, [], 0, "run", 2, 1, [], 0);
    expect(errorOf(result(1))).toBeInstanceOf(SyntaxError);
    expect(errorOf(result(2))).toBeInstanceOf(SyntaxError);
    send("source", 2, "42", "run", 3, 2, [], 0);
    const notFunction = errorOf(result(3));
    expect(notFunction).toBeInstanceOf(TypeError);
    expect(notFunction.message).toBe("The submitted source is not a function: 42");
  });

  it("a ReferenceError in a source function says that it runs without its surrounding scope", () => {
    const { send, result } = worker();
    send(...hello());
    send("source", 1, "() => outsideVariable + 1", "run", 1, 1, [], 0);
    const error = errorOf(result(1));
    expect(error).toBeInstanceOf(ReferenceError);
    expect(error.message).toMatch(/^outsideVariable is not defined\. Functions passed to submit\(\) run in a worker without their surrounding scope: use only their arguments and globals, or define the task in a module with defineTasks\(\)\.$/);
    expect(error.stack!.split("\n")[0]).toBe(`ReferenceError: ${error.message}`);
    // Other errors are sent as they were thrown.
    send("source", 2, "() => { throw Object.assign(new RangeError('bad'), { code: 'E_BAD' }) }", "run", 2, 2, [], 0);
    const other = errorOf(result(2)) as RangeError & { code: string };
    expect(other).toBeInstanceOf(RangeError);
    expect(other.message).toBe("bad");
    expect(other.code).toBe("E_BAD");
  });

  it("loads module tasks by export name or from the default export, and runs tasks queued while loading", async () => {
    const { send, result } = worker();
    send(...hello());
    send("module", 1, fixture("plain-tasks.mjs"), "triple", "run", 1, 1, [2], 0, "module", 2, fixture("plain-tasks.mjs"), "quadruple", "run", 2, 2, [2], 0);
    await until(() => result(2) !== undefined, "both module tasks answered");
    expect(result(1)).toEqual(["ok", 1, 6]);
    expect(result(2)).toEqual(["ok", 2, 8]);
    // A definition sent twice is loaded once.
    send("module", 1, fixture("plain-tasks.mjs"), "triple", "run", 3, 1, [3], 0);
    expect(result(3)).toEqual(["ok", 3, 9]);
  });

  it("a module registered with defineTasks is served from its table (this is the table)", async () => {
    const url = fixture("plain-tasks.mjs") + "?registered";
    defineTasks(url, {
      base(): number {
        return 10;
      },
      plus(n: number): number {
        return this.base() + n;
      },
    });
    const { send, result } = worker();
    send(...hello());
    send("module", 1, url, "plus", "run", 1, 1, [5], 0);
    await until(() => result(1) !== undefined);
    expect(result(1)).toEqual(["ok", 1, 15]);
  });

  it("a task the module does not have fails with UnknownTaskError listing what it has", async () => {
    const { send, result } = worker();
    send(...hello());
    send("module", 1, fixture("plain-tasks.mjs"), "nope", "run", 1, 1, [], 0);
    await until(() => result(1) !== undefined);
    const error = errorOf(result(1));
    expect(error).toBeInstanceOf(UnknownTaskError);
    // The order of a module namespace's keys is the host's.
    expect(error.message).toMatch(/^No task named "nope" in file:.*\/fixtures\/plain-tasks\.mjs \(its tasks: (default, triple|triple, default)\)$/);
  });

  it("a module that fails to load fails its tasks with the module's error", async () => {
    const { send, result } = worker();
    send(...hello());
    send("module", 1, fixture("broken-tasks.mjs"), "any", "run", 1, 1, [], 0);
    await until(() => result(1) !== undefined);
    const error = errorOf(result(1));
    expect(error).toBeInstanceOf(RangeError);
    expect(error.message).toBe("this module cannot load");
  });

  const node = (globalThis as { process?: { versions?: { node?: string; bun?: string; deno?: string } } }).process?.versions;
  const [major = 0, minor = 0] = (node?.node ?? "0.0").split(".").map(Number);
  const nodeWithoutTypeStripping = !node?.bun && !node?.deno && (major < 22 || (major === 22 && minor < 18));
  const fromSource = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.OFFLOOP_COVERAGE_SOURCE === "1";
  it.runIf(nodeWithoutTypeStripping && !fromSource)(
    "a TypeScript task module on a Node that cannot load it in a worker fails with TaskDefinitionError saying what to do (runs only on Node < 22.18 outside coverage: other runtimes load it)",
    async () => {
      const { send, result } = worker();
      send(...hello());
      send("module", 1, fixture("typed-tasks.ts"), "half", "run", 1, 1, [4], 0);
      await until(() => result(1) !== undefined);
      const error = errorOf(result(1));
      expect(error).toBeInstanceOf(TaskDefinitionError);
      expect(error.message).toMatch(/does not run TypeScript there\. Run on Node 22\.18\+ or 24/);
    },
  );
  it.runIf(!nodeWithoutTypeStripping)("a TypeScript task module loads where the runtime strips types (skipped on Node < 22.18: it cannot)", async () => {
    const { send, result } = worker();
    send(...hello());
    send("module", 1, fixture("typed-tasks.ts"), "half", "run", 1, 1, [4], 0);
    await until(() => result(1) !== undefined);
    expect(result(1)).toEqual(["ok", 1, 2]);
  });

  it("taskContext() outside a running task says where to call it", () => {
    expect(() => taskContext()).toThrow(/^taskContext\(\) was called outside a running task\. Call it inside a task run by an executor, synchronously at the start of the task \(before its first await\)\.$/);
  });

  it("a run for a task never defined is a protocol error thrown to the port", () => {
    const { send } = worker();
    send(...hello());
    expect(() => send("run", 1, 99, [], 0)).toThrow("offloop worker: task 99 was never defined");
  });

  it("runs chunk records item by item and answers with the array of results", async () => {
    const { send, result } = worker();
    send(...hello());
    send("source", 1, "(n) => n * 2", "chunk", 1, 1, [1, 2, 3], 0);
    expect(result(1)).toEqual(["ok", 1, [2, 4, 6]]);
    send("source", 2, "async (n) => n + 1", "chunk", 2, 2, [1, 2], 0);
    await until(() => result(2) !== undefined);
    expect(result(2)).toEqual(["ok", 2, [2, 3]]);
    send("source", 3, "(n) => { if (n === 2) throw new RangeError('item ' + n); return n; }", "chunk", 3, 3, [1, 2, 3], 0);
    expect(errorOf(result(3)).message).toBe("item 2");
  });

  it("tasks see their context: workerId from hello, progress records, and a signal", async () => {
    const { send, records, result } = worker();
    send(...hello(1, 5));
    send("source", 1, "(n) => { const { workerId, progress, signal } = globalThis.__context(); progress(n); progress(n + 1); return [workerId, signal.aborted]; }", "run", 1, 1, [1], 0);
    expect(records()).toEqual([["progress", 1, 1], ["progress", 1, 2], ["ok", 1, [5, false]]]);
    expect(result(1)).toEqual(["ok", 1, [5, false]]);
  });

  it("runs at most `concurrency` tasks at once, in the order received", async () => {
    const { send, result } = worker();
    send(...hello(2));
    const open = [gate("a"), gate("b"), gate("c")];
    send("source", 1, holdSource, "run", 1, 1, ["a"], 0, "run", 2, 1, ["b"], 0, "run", 3, 1, ["c"], 0);
    send("source", 2, "() => globalThis.__log.push('d')", "run", 4, 2, [], 0);
    open[2]!();
    await macrotask();
    expect(result(3)).toBeUndefined();
    open[1]!();
    await until(() => result(3) !== undefined, "c ran once b finished");
    expect(result(2)).toEqual(["ok", 2, "b"]);
    expect(result(1)).toBeUndefined();
    open[0]!();
    await until(() => result(4) !== undefined);
  });

  it("a cancel of a queued task drops it (it never runs); of a running one aborts its signal with the reason", async () => {
    const { send, result, records } = worker();
    send(...hello(1));
    const open = gate("a");
    const watch = "() => new Promise((_, reject) => { const { signal } = globalThis.__context(); signal.addEventListener('abort', () => reject(signal.reason)); })";
    send("source", 1, holdSource, "source", 2, "() => globalThis.__log.push('ran')", "source", 3, watch);
    send("run", 1, 1, ["a"], 0, "run", 2, 2, [], 0);
    send("cancel", 2, serializeError(new CancelledError("not needed")));
    await macrotask();
    expect(result(2)).toEqual(["dropped", 2]);
    // A second cancel of the same task, or of one it does not know, changes nothing.
    send("cancel", 2, serializeError(new CancelledError("again")), "cancel", 42, serializeError(new CancelledError("?")));
    open();
    await until(() => result(1) !== undefined);
    expect(host.__log).toEqual([]);
    send("run", 3, 3, [], 0, "run", 4, 3, [], 0);
    send("cancel", 3, serializeError(new CancelledError("stop now")));
    await until(() => result(3) !== undefined);
    const aborted = errorOf(result(3));
    expect(aborted).toBeInstanceOf(CancelledError);
    expect(aborted.message).toBe("stop now");
    // A reason that is not a serialized error aborts with a plain CancelledError.
    send("cancel", 4, "whatever");
    await until(() => result(4) !== undefined);
    expect(errorOf(result(4)).message).toBe("The task was cancelled");
    expect(records().filter((record) => record[0] === "dropped")).toHaveLength(1);
  });

  it("a task whose arguments carry offloop/shared primitives gets them revived as it starts; one that cannot be revived fails alone", async () => {
    const { send, result, records } = worker();
    send(...hello(1));
    const packed = packShared([new Mutex(), 1]);
    expect(Array.isArray(packed)).toBe(false);
    const unknownKind = { $offloopSharedArgs: [{ $offloopShared: "Nope", buffer: new SharedArrayBuffer(8) }], pool: 0 };
    send("source", 1, "(lock, n) => (typeof lock?.tryLock === 'function' ? n : -1)");
    send("run", 1, 1, structuredClone(packed), 0, "run", 2, 1, [null, 2], 0, "run", 3, 1, structuredClone(unknownKind), 0, "run", 4, 1, [{}, 4], 0);
    await until(() => result(4) !== undefined, "every task answered");
    expect(result(1)).toEqual(["ok", 1, 1]);
    expect(result(2)).toEqual(["ok", 2, -1]);
    expect(errorOf(result(3)).message).toMatch(/Unknown offloop\/shared primitive Nope/);
    expect(result(4)).toEqual(["ok", 4, -1]);
    // In the order they were sent; the worker went on after the one it could not revive.
    expect(records().map((record) => record[1])).toEqual([1, 2, 3, 4]);
  });

  it("withTransfer results move their buffers to the pool", () => {
    const { send, result, posted } = worker();
    send(...hello());
    send("source", 1, "(n) => { const bytes = new Uint8Array(n); return globalThis.__withTransfer(bytes, [bytes.buffer]); }", "run", 1, 1, [4], 0);
    expect(result(1)).toEqual(["ok", 1, new Uint8Array(4)]);
    const last = posted[posted.length - 1]!;
    expect(last.transfer).toHaveLength(1);
    expect((last.transfer![0] as ArrayBuffer).byteLength).toBe(0); // moved, so detached in the worker
    expect(() => withTransfer(1, "no" as never)).toThrow(new TypeError("Expected transfer to be an array of transferables, got string"));
  });

  it("a result that cannot be sent becomes a TaskArgumentError naming it; the other records of the message still go", () => {
    const { send, result } = worker();
    send(...hello());
    send("source", 1, "(n) => n", "source", 2, "() => ({ done() {} })", "source", 3, "() => { globalThis.__context().progress(() => 1); return 'after progress'; }");
    send("run", 1, 1, [1], 0, "run", 2, 2, [], 0, "run", 3, 1, [3], 0, "run", 4, 3, [], 0);
    expect(result(1)).toEqual(["ok", 1, 1]);
    expect(result(3)).toEqual(["ok", 3, 3]);
    const error = errorOf(result(2));
    expect(error).toBeInstanceOf(TaskArgumentError);
    expect(error.message).toBe("Cannot send the task's result back to the caller: result.done is a function (done)");
    // A progress value that cannot be sent is dropped; the task's result still goes.
    expect(result(4)).toEqual(["ok", 4, "after progress"]);
  });

  it("flushBeforeExit sends finished results with the count of tasks taken up; final: nothing more starts", async () => {
    const { send, served, result, records } = worker();
    send(...hello());
    const open = gate("a");
    send("source", 1, holdSource, "source", 2, "(n) => n", "run", 1, 2, [1], 0, "run", 2, 1, ["a"], 0, "run", 3, 2, [3], 0);
    served.flushBeforeExit(false);
    expect(records().at(-1)).toEqual(["exiting", 2]);
    open();
    await until(() => result(3) !== undefined, "not final: the worker serves on");
    send("run", 4, 2, [4], 0);
    served.flushBeforeExit(true);
    expect(records().at(-1)).toEqual(["exiting", 4]);
    send("run", 5, 2, [5], 0);
    await macrotask();
    expect(result(5)).toBeUndefined();
  });

  describe("initializer", () => {
    it("tasks wait for it; it gets its args", async () => {
      const { send, result } = worker();
      send(...hello());
      const open = gate("init");
      send("source", 1, "(tag) => { globalThis.__log.push(tag); return globalThis.__gates.get('init').promise; }", "init", 1, ["db"]);
      send("source", 2, "() => globalThis.__log.slice()", "run", 1, 2, [], 0);
      await macrotask();
      expect(result(1)).toBeUndefined();
      open();
      await until(() => result(1) !== undefined);
      expect(result(1)).toEqual(["ok", 1, ["db"]]);
    });

    it("one that throws is reported as initError, and the worker serves nothing", async () => {
      const { send, records } = worker();
      send(...hello());
      send("source", 1, "() => { throw new Error('no database') }", "init", 1, [], "source", 2, "() => 1", "run", 1, 2, [], 0);
      await until(() => records().length > 0);
      const [record, ...rest] = records();
      expect(record![0]).toBe("initError");
      expect(deserializeError(record![1] as SerializedError).message).toBe("no database");
      send("run", 2, 2, [], 0);
      await macrotask();
      expect(rest).toEqual([]);
      expect(records()).toHaveLength(1);
    });

    it("one from a module that fails to load is reported as initError", async () => {
      const { send, records } = worker();
      send(...hello());
      send("module", 1, fixture("broken-tasks.mjs"), "setup", "init", 1, []);
      await until(() => records().length > 0);
      expect(records()[0]![0]).toBe("initError");
      expect(deserializeError(records()[0]![1] as SerializedError).message).toBe("this module cannot load");
    });
  });

  describe("time slices (performance.now stubbed: no wall-clock time)", () => {
    it("a long batch sends its results every slice and reads the cancels that arrived meanwhile", async () => {
      const { send, result, posted } = worker();
      send(...hello());
      posted.length = 0;
      // Each task takes 11 ms of the stubbed clock: longer than a slice (10 ms).
      send("source", 1, "(n) => { globalThis.__now += 11; return n; }", "run", 1, 1, [1], 0, "run", 2, 1, [2], 0, "run", 3, 1, [3], 0);
      expect(posted.map(({ message }) => recordsOf(message))).toEqual([[["ok", 1, 1]]]);
      send("cancel", 3, serializeError(new CancelledError("late")));
      await until(() => result(3) !== undefined);
      expect(result(2)).toEqual(["ok", 2, 2]);
      expect(result(3)).toEqual(["dropped", 3]);
    });

    it("sends at most 256 results a message, so that the pool can refill early", () => {
      const { send, posted } = worker();
      send(...hello(1));
      const runs: unknown[] = ["source", 1, "(n) => n"];
      for (let taskId = 1; taskId <= 300; taskId++) runs.push("run", taskId, 1, [taskId], 0);
      posted.length = 0;
      send(...runs);
      expect(posted.map(({ message }) => recordsOf(message).length)).toEqual([256, 44]);
    });

    describe("spinMicroseconds: an idle worker watches the doorbell", () => {
      /** Shared memory as the pool makes it: [tasks taken up, doorbell]. */
      const progress = () => new Int32Array(new SharedArrayBuffer(PROGRESS_FIELDS * 4));
      /** Each clock read moves time on by 1 us; `onRead` may ring the doorbell mid-spin. */
      function tickingClock(onRead: (now: number) => void = () => {}) {
        vi.stubGlobal("performance", { now: () => (onRead(host.__now), (host.__now += 0.001)) });
      }

      it("takes a message that was already waiting, then one rung in while it spins, without its event loop", () => {
        const waiting: unknown[][] = [wire("source", 1, "(n) => n + 1", "run", 1, 1, [1], 0)];
        const shared = progress();
        let rung = false;
        tickingClock((now) => {
          if (now > 0.02 && !rung) {
            rung = true;
            waiting.push(wire("run", 2, 1, [2], 0));
            Atomics.add(shared, DOORBELL, 1);
          }
        });
        const { send, result } = worker({ receiveSync: () => waiting.shift() });
        send("hello", PROTOCOL_VERSION, 0, 1, shared, 1000, null);
        // Both answered before the hello's handler returned: the worker never went back to its event loop.
        expect(result(1)).toEqual(["ok", 1, 2]);
        expect(result(2)).toEqual(["ok", 2, 3]);
        expect(Atomics.load(shared, TAKEN_UP)).toBe(2);
      });

      it("spins at most spinMicroseconds without news, and after two empty spins only every eighth time it goes idle", () => {
        const shared = progress();
        tickingClock();
        let polls = 0;
        const { send, result } = worker({ receiveSync: () => void polls++ });
        send("hello", PROTOCOL_VERSION, 0, 1, shared, 50, null);
        send("source", 1, "(n) => n");
        const spent: number[] = [];
        const pollsPerCall: number[] = [];
        for (let taskId = 1; taskId <= 18; taskId++) {
          const [before, pollsBefore] = [host.__now, polls];
          send("run", taskId, 1, [taskId], 0);
          expect(result(taskId)).toEqual(["ok", taskId, taskId]);
          spent.push(host.__now - before);
          pollsPerCall.push(polls - pollsBefore);
        }
        // A spin ends about 50 us after it started (1 us a clock read here), never much later.
        expect(Math.max(...spent)).toBeLessThan(0.06);
        // The hello and the source spun and saw nothing; from then on one spin in eight.
        expect(pollsPerCall.map((count) => count > 0)).toEqual([false, false, false, false, false, false, false, true, false, false, false, false, false, false, false, true, false, false]);
      });

      it("a port whose synchronous receive throws (Deno's parentPort) is never polled again; tasks still run", () => {
        tickingClock();
        let polls = 0;
        const { send, result } = worker({
          receiveSync: () => {
            polls++;
            throw new TypeError('The "port" argument must be a MessagePort instance');
          },
        });
        send("hello", PROTOCOL_VERSION, 0, 1, progress(), 1000, null);
        send("source", 1, "(n) => n", "run", 1, 1, [1], 0);
        send("run", 2, 1, [2], 0);
        expect(result(1)).toEqual(["ok", 1, 1]);
        expect(result(2)).toEqual(["ok", 2, 2]);
        expect(polls).toBe(1);
      });

      describe("the spin lane (a caller that spins: callerSpinMicroseconds)", () => {
        /** The pool's side of a lane, played on each clock read: offers what `offers` holds when the worker listens, takes answers. */
        function lanePool(lane: SpinLane, offers: Array<[taskId: number, fnId: number, hasArg: boolean, arg?: unknown]>) {
          const answers: unknown[][] = [];
          tickingClock(() => {
            if (lane.hasResult()) answers.push([lane.taskId, lane.takeResult()]);
            if (offers.length > 0 && lane.state === LaneState.LISTENING) {
              const [taskId, fnId, hasArg, arg] = offers[0]!;
              if (lane.offer(taskId, fnId, hasArg, arg)) offers.shift();
            }
          });
          return answers;
        }

        it("runs a task offered in the lane and answers there; errors and large results go by port, in order", () => {
          const lane = new SpinLane(new SharedArrayBuffer(LANE_BYTES));
          const shared = progress();
          const answers = lanePool(lane, [[1, 1, true, 41], [2, 2, false], [3, 3, true, LANE_STRING_UNITS + 1], [4, 3, true, LANE_STRING_UNITS], [5, 4, false]]);
          const { send, result } = worker({ receiveSync: () => undefined });
          // The definitions come with the hello: a pool offers a task only once its definition is on the way.
          send("hello", PROTOCOL_VERSION, 0, 1, shared, 1000, lane.buffer, "source", 1, "(n) => n + 1", "source", 2, "() => { throw new RangeError('no') }", "source", 3, "(n) => 'x'.repeat(n)", "source", 4, "() => undefined");
          expect(answers).toEqual([[1, 42], [4, "x".repeat(LANE_STRING_UNITS)], [5, undefined]]);
          expect(result(1)).toBeUndefined();
          expect(errorOf(result(2)).name).toBe("RangeError");
          expect(result(3)).toEqual(["ok", 3, "x".repeat(LANE_STRING_UNITS + 1)]);
          expect(Atomics.load(shared, TAKEN_UP)).toBe(5);
          // The spin ran out: the worker no longer listens.
          expect(lane.state).toBe(LaneState.IDLE);
        });

        it("an asynchronous task answers in the lane while the pool watches, and by port once it stopped watching", async () => {
          const lane = new SpinLane(new SharedArrayBuffer(LANE_BYTES));
          const openFirst = gate("a");
          lanePool(lane, [[1, 1, true, "a"]]);
          const { send, result } = worker({ receiveSync: () => undefined });
          send("hello", PROTOCOL_VERSION, 0, 1, progress(), 1000, lane.buffer, "source", 1, holdSource);
          expect(lane.state).toBe(LaneState.RUNNING);
          tickingClock(); // the pool's part is played by hand from here
          openFirst("first");
          await macrotask();
          expect(lane.hasResult()).toBe(true);
          expect(lane.takeResult()).toBe("first");
          expect(result(1)).toBeUndefined();

          // Next time the pool stops watching while it runs: the answer goes by port.
          const openSecond = gate("b");
          lanePool(lane, [[2, 1, true, "b"]]);
          send("source", 9, "() => 0"); // any message: the worker spins again after it
          expect(lane.state).toBe(LaneState.RUNNING);
          tickingClock();
          expect(lane.stopWatching()).toBe(false);
          openSecond("second");
          await until(() => result(2) !== undefined);
          expect(result(2)).toEqual(["ok", 2, "second"]);
          expect(lane.state).toBe(LaneState.IDLE);
        });

        it("a cancel sent after a lane task reaches it: the lane task is taken first", async () => {
          const lane = new SpinLane(new SharedArrayBuffer(LANE_BYTES));
          const shared = progress();
          let sent = false;
          tickingClock();
          // The pool offers the task, then sends its cancel, both just before the worker's receive: the receive
          // returns the cancel while the task is in the lane.
          const receiveSync = () => {
            if (sent || lane.state !== LaneState.LISTENING) return undefined;
            sent = true;
            lane.offer(1, 1, false, undefined);
            Atomics.add(shared, DOORBELL, 1);
            return wire("cancel", 1, serializeError(new CancelledError("stop")));
          };
          const { send } = worker({ receiveSync });
          // The worker spins after this message: the definition arrives with the hello, as a pool sends it.
          send("hello", PROTOCOL_VERSION, 0, 1, shared, 1000, lane.buffer, "source", 1, "() => new Promise((resolve) => globalThis.__context().signal.addEventListener('abort', (event) => resolve(event.target.reason.message)))");
          send("source", 2, "() => 0");
          expect(sent).toBe(true);
          await until(() => lane.hasResult());
          expect(lane.takeResult()).toBe("stop");
        });

        it("without a spin (spinMicroseconds 0) the worker never listens: the pool's offers fail and tasks go by port", () => {
          const lane = new SpinLane(new SharedArrayBuffer(LANE_BYTES));
          const { send, result } = worker({ receiveSync: () => undefined });
          send("hello", PROTOCOL_VERSION, 0, 1, progress(), 0, lane.buffer);
          send("source", 1, "(n) => n", "run1", 1, 1, 5, 0);
          expect(result(1)).toEqual(["ok", 1, 5]);
          expect(lane.offer(2, 1, true, 1)).toBe(false);
        });
      });

      it("does not spin without a doorbell (no shared memory), or with spinMicroseconds 0", () => {
        let polls = 0;
        const first = worker({ receiveSync: () => void polls++ });
        first.send("hello", PROTOCOL_VERSION, 0, 1, null, 1000, null);
        const second = worker({ receiveSync: () => void polls++ });
        second.send("hello", PROTOCOL_VERSION, 0, 1, progress(), 0, null);
        second.send("source", 1, "(n) => n", "run", 1, 1, [1], 0);
        expect(second.result(1)).toEqual(["ok", 1, 1]);
        expect(polls).toBe(0);
      });
    });
  });
});
