import { describe, it, expect } from "vitest";
import fc from "fast-check";
import { LifoQueue, PriorityQueue, Queue, QueueEmptyError, QueueFullError, QueueShutDownError } from "@offloop/core";

/** Lets every queued microtask (and the ones they queue) run. */
const settle = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

/** The state of a promise now: "pending", or how it settled. */
async function state(promise: Promise<unknown>): Promise<string> {
  let result = "pending";
  promise.then(() => (result = "fulfilled"), (error: Error) => (result = `rejected ${error.name}`));
  await settle();
  return result;
}

describe("Queue", () => {
  it("hands items out first in, first out", async () => {
    const queue = new Queue<number>();
    await queue.put(1);
    queue.putNowait(2);
    expect(queue.size()).toBe(2);
    expect(await queue.get()).toBe(1);
    expect(queue.getNowait()).toBe(2);
    expect(queue.empty()).toBe(true);
  });

  it("is unbounded by default and with maxsize 0, as in Python", () => {
    for (const queue of [new Queue<number>(), new Queue<number>({ maxsize: 0 })]) {
      for (let index = 0; index < 1000; index++) queue.putNowait(index);
      expect(queue.full()).toBe(false);
      expect(queue.maxsize).toBe(Infinity);
    }
  });

  it("rejects a bad maxsize where it is given", () => {
    expect(() => new Queue({ maxsize: -1 })).toThrow(/maxsize.*-1/);
    expect(() => new Queue({ maxsize: 1.5 })).toThrow(RangeError);
    expect(() => new Queue({ maxsize: "3" as never })).toThrow(TypeError);
  });

  it("putNowait on a full queue throws QueueFullError; getNowait on an empty one QueueEmptyError", () => {
    const queue = new Queue<number>({ maxsize: 1 });
    queue.putNowait(1);
    expect(queue.full()).toBe(true);
    expect(() => queue.putNowait(2)).toThrow(expect.objectContaining({ name: "QueueFullError" }));
    queue.getNowait();
    let error: unknown;
    try { queue.getNowait(); } catch (caught) { error = caught; }
    expect(QueueEmptyError.isInstance(error)).toBe(true);
    expect(QueueFullError.isInstance(error)).toBe(false);
  });

  it("put waits while full and get waits while empty, in FIFO order", async () => {
    const queue = new Queue<string>({ maxsize: 1 });
    await queue.put("a");
    const put = queue.put("b");
    expect(await state(put)).toBe("pending");
    expect(await queue.get()).toBe("a");
    expect(await state(put)).toBe("fulfilled");
    expect(queue.getNowait()).toBe("b");
    const first = queue.get();
    const second = queue.get();
    await queue.put("x");
    await queue.put("y"); // waits until the first getter took "x"
    expect([await first, await second]).toEqual(["x", "y"]);
  });

  it("stops waiting when the signal aborts, and takes or puts nothing", async () => {
    const queue = new Queue<number>({ maxsize: 1 });
    const controller = new AbortController();
    const get = queue.get({ signal: controller.signal });
    controller.abort(new Error("stop"));
    await expect(get).rejects.toThrow("stop");
    queue.putNowait(1);
    expect(queue.size()).toBe(1);
    const put = queue.put(2, { signal: controller.signal });
    await expect(put).rejects.toThrow("stop");
    const pending = new AbortController();
    const waiting = queue.put(3, { signal: pending.signal });
    pending.abort(new Error("later"));
    await expect(waiting).rejects.toThrow("later");
    expect(queue.getNowait()).toBe(1);
    expect(queue.empty()).toBe(true);
    await expect(queue.join({ signal: controller.signal })).rejects.toThrow("stop");
  });

  it("join resolves once every item put was marked done; taskDone too often is a RangeError", async () => {
    const queue = new Queue<number>();
    await queue.join();
    queue.putNowait(1);
    queue.putNowait(2);
    const join = queue.join();
    queue.getNowait();
    queue.taskDone();
    expect(await state(join)).toBe("pending");
    queue.getNowait();
    queue.taskDone();
    expect(await state(join)).toBe("fulfilled");
    expect(() => queue.taskDone()).toThrow(RangeError);
  });

  it("shutdown: put fails, waiting puts fail, get drains what is left then fails", async () => {
    const queue = new Queue<number>({ maxsize: 2 });
    queue.putNowait(1);
    queue.putNowait(2);
    const waitingPut = queue.put(3);
    queue.shutdown();
    expect(queue.isShutDown).toBe(true);
    expect(await state(waitingPut)).toBe("rejected QueueShutDownError");
    expect(() => queue.putNowait(4)).toThrow(expect.objectContaining({ name: "QueueShutDownError" }));
    expect(await queue.get()).toBe(1);
    expect(queue.getNowait()).toBe(2);
    await expect(queue.get()).rejects.toSatisfy((error) => QueueShutDownError.isInstance(error));
    expect(() => queue.getNowait()).toThrow(expect.objectContaining({ name: "QueueShutDownError" }));
  });

  it("shutdown wakes waiting getters with QueueShutDownError", async () => {
    const queue = new Queue<number>();
    const getters = [queue.get(), queue.get()];
    queue.shutdown();
    expect(await Promise.all(getters.map(state))).toEqual(["rejected QueueShutDownError", "rejected QueueShutDownError"]);
  });

  it("shutdown({ immediate: true }) drops the items, counts them done for join, and get fails at once", async () => {
    const queue = new Queue<number>();
    queue.putNowait(1);
    queue.putNowait(2);
    queue.putNowait(3);
    queue.getNowait(); // taken, not yet done
    const join = queue.join();
    queue.shutdown({ immediate: true });
    expect(queue.size()).toBe(0);
    await expect(queue.get()).rejects.toSatisfy((error) => QueueShutDownError.isInstance(error));
    expect(await state(join)).toBe("pending"); // the item taken before still counts
    queue.taskDone();
    expect(await state(join)).toBe("fulfilled");
    expect(() => queue.shutdown({ immediate: "yes" as never })).toThrow(TypeError);
  });
});

describe("LifoQueue and PriorityQueue", () => {
  it("LifoQueue hands out the newest item first", async () => {
    const queue = new LifoQueue<number>();
    for (const n of [1, 2, 3]) await queue.put(n);
    expect([await queue.get(), queue.getNowait(), queue.getNowait()]).toEqual([3, 2, 1]);
  });

  it("PriorityQueue hands out the smallest first, comparing [priority, data] like Python tuples", async () => {
    const queue = new PriorityQueue<[number, string]>();
    for (const item of [[3, "c"], [1, "b"], [1, "a"], [2, "z"]] as [number, string][]) queue.putNowait(item);
    const out = [];
    while (!queue.empty()) out.push(await queue.get());
    expect(out).toEqual([[1, "a"], [1, "b"], [2, "z"], [3, "c"]]);
  });

  it("PriorityQueue takes a compare function, and says what it cannot order", () => {
    const queue = new PriorityQueue<{ at: number }>({ compare: (a, b) => b.at - a.at });
    queue.putNowait({ at: 1 });
    queue.putNowait({ at: 5 });
    expect(queue.getNowait()).toEqual({ at: 5 });
    const plain = new PriorityQueue<unknown>();
    plain.putNowait({});
    expect(() => plain.putNowait({})).toThrow(/cannot order/);
    expect(() => new PriorityQueue({ compare: 1 as never })).toThrow(TypeError);
  });
});

describe("Queue against a model (fast-check)", () => {
  type Op = { kind: "put"; value: number } | { kind: "get" } | { kind: "done" } | { kind: "shutdown"; immediate: boolean };
  const op: fc.Arbitrary<Op> = fc.oneof(
    { weight: 4, arbitrary: fc.integer({ min: 0, max: 20 }).map((value) => ({ kind: "put" as const, value })) },
    { weight: 4, arbitrary: fc.constant({ kind: "get" as const }) },
    { weight: 2, arbitrary: fc.constant({ kind: "done" as const }) },
    { weight: 1, arbitrary: fc.boolean().map((immediate) => ({ kind: "shutdown" as const, immediate })) },
  );
  const takers = {
    fifo: (items: number[]) => items.shift()!,
    lifo: (items: number[]) => items.pop()!,
    priority: (items: number[]) => items.splice(items.indexOf(Math.min(...items)), 1)[0]!,
  };
  const make = { fifo: (maxsize: number) => new Queue<number>({ maxsize }), lifo: (maxsize: number) => new LifoQueue<number>({ maxsize }), priority: (maxsize: number) => new PriorityQueue<number>({ maxsize }) };

  for (const kind of ["fifo", "lifo", "priority"] as const) {
    it(`${kind}: the nowait operations, taskDone and shutdown behave like a list`, () => {
      fc.assert(
        fc.property(fc.integer({ min: 0, max: 4 }), fc.array(op, { maxLength: 60 }), (maxsize, ops) => {
          const queue = make[kind](maxsize);
          const limit = maxsize === 0 ? Infinity : maxsize;
          const items: number[] = [];
          let unfinished = 0;
          let shutDown = false;
          for (const step of ops) {
            let outcome: unknown;
            try {
              if (step.kind === "put") outcome = queue.putNowait(step.value);
              else if (step.kind === "get") outcome = queue.getNowait();
              else if (step.kind === "done") outcome = queue.taskDone();
              else outcome = queue.shutdown({ immediate: step.immediate });
            } catch (error) {
              outcome = (error as Error).name;
            }
            let expected: unknown;
            if (step.kind === "put") {
              expected = shutDown ? "QueueShutDownError" : items.length >= limit ? "QueueFullError" : (items.push(step.value), unfinished++, undefined);
            } else if (step.kind === "get") {
              expected = items.length > 0 ? takers[kind](items) : shutDown ? "QueueShutDownError" : "QueueEmptyError";
            } else if (step.kind === "done") {
              expected = unfinished > 0 ? (unfinished--, undefined) : "RangeError";
            } else {
              shutDown = true;
              if (step.immediate) {
                unfinished = Math.max(0, unfinished - items.length);
                items.length = 0;
              }
            }
            expect(outcome).toEqual(expected);
            expect(queue.size()).toBe(items.length);
            expect(queue.empty()).toBe(items.length === 0);
            expect(queue.full()).toBe(items.length >= limit);
          }
        }),
      );
    });
  }
});
