// offloop/shared on one thread: what each primitive does, the Channel's codec
// and ring, and how primitives travel (packShared / unpackShared, a structured
// clone in between as postMessage makes). Across real threads: the shared
// contract suite (internal/contract-tests/src/shared-memory.ts).
import { describe, it, expect, afterEach } from "vitest";
import fc from "fast-check";
import {
  Barrier,
  Channel,
  Condition,
  Mutex,
  SharedSemaphore,
  containsShared,
  packShared,
  refuseShared,
  releaseHeldBy,
  unpackShared,
  type PackedArguments,
} from "@offloop/core/shared";
import { ChannelClosedError, MutexPoisonedError, SharedMemoryUnavailableError, TimeoutError } from "@offloop/core";

/** Lets every queued callback run (Atomics.waitAsync wake-ups arrive as tasks). */
const settle = () => new Promise<void>((resolve) => setTimeout(resolve, 5));

async function state(promise: Promise<unknown>): Promise<string> {
  let result = "pending";
  promise.then(() => (result = "fulfilled"), (error: Error) => (result = `rejected ${error.name}`));
  for (let index = 0; index < 5 && result === "pending"; index++) await settle();
  return result;
}

/** What a worker gets: the packed arguments after a structured clone. */
function travel(args: unknown[], pool?: object, workerId?: number): unknown[] {
  return unpackShared(structuredClone(packShared(args, pool)) as unknown[] | PackedArguments, workerId);
}

const waitAsync = (Atomics as { waitAsync?: unknown }).waitAsync;
afterEach(() => {
  (Atomics as { waitAsync?: unknown }).waitAsync = waitAsync;
});

describe("Mutex", () => {
  it("locks once at a time: tryLock, locked, unlock, using", () => {
    const mutex = new Mutex();
    const guard = mutex.tryLock()!;
    expect(guard.held).toBe(true);
    expect(mutex.locked).toBe(true);
    expect(mutex.tryLock()).toBeUndefined();
    guard.unlock();
    guard.unlock(); // twice unlocks once
    expect(mutex.locked).toBe(false);
    {
      using held = mutex.lock();
      expect(held.held).toBe(true);
      expect(mutex.locked).toBe(true);
    }
    expect(mutex.locked).toBe(false);
  });

  for (const host of ["Atomics.waitAsync", "the polling fallback"]) {
    it(`lockAsync waits for the holder to unlock, without blocking (${host})`, async () => {
      if (host !== "Atomics.waitAsync") (Atomics as { waitAsync?: unknown }).waitAsync = undefined;
      const mutex = new Mutex();
      const guard = mutex.lock();
      const waiting = mutex.lockAsync();
      expect(await state(waiting)).toBe("pending");
      guard.unlock();
      expect(await state(waiting)).toBe("fulfilled");
      expect(mutex.locked).toBe(true);
      (await waiting).unlock();
    });
  }

  it("lock and lockAsync give up with TimeoutError, or the signal's reason", async () => {
    const mutex = new Mutex();
    const guard = mutex.lock();
    expect(() => mutex.lock({ timeout: 0 })).toThrow(TimeoutError);
    await expect(mutex.lockAsync({ timeout: 0 })).rejects.toSatisfy((error) => TimeoutError.isInstance(error));
    const controller = new AbortController();
    const waiting = mutex.lockAsync({ signal: controller.signal });
    controller.abort(new Error("stop"));
    await expect(waiting).rejects.toThrow("stop");
    expect(() => mutex.lock({ signal: controller.signal })).toThrow("stop");
    expect(() => mutex.lock({ timeout: -1 })).toThrow(RangeError);
    // The wake-up meant for the aborted wait is passed on: a later waiter gets the mutex.
    const next = mutex.lockAsync();
    guard.unlock();
    expect(await state(next)).toBe("fulfilled");
  });

  it("is poisoned when the worker that held it dies: lock throws MutexPoisonedError until clearPoison", () => {
    const pool = {};
    const [mutex] = travel([new Mutex()], pool, 7) as [Mutex];
    mutex.lock(); // held by worker 7 of `pool`, which then dies
    releaseHeldBy({}, 7); // another pool's worker 7: not the holder
    expect(mutex.poisoned).toBe(false);
    releaseHeldBy(pool, 6);
    expect(mutex.poisoned).toBe(false);
    releaseHeldBy(pool, 7);
    expect(mutex.poisoned).toBe(true);
    expect(mutex.locked).toBe(false);
    expect(() => mutex.lock()).toThrow(MutexPoisonedError);
    expect(() => mutex.tryLock()).toThrow(/clearPoison/);
    mutex.clearPoison();
    mutex.lock().unlock();
  });
});

describe("SharedSemaphore, Barrier, Condition", () => {
  it("SharedSemaphore counts permits and acquireAsync waits for a release", async () => {
    const semaphore = new SharedSemaphore(2);
    const a = semaphore.acquire();
    const b = semaphore.tryAcquire()!;
    expect(semaphore.available).toBe(0);
    expect(semaphore.tryAcquire()).toBeUndefined();
    expect(() => semaphore.acquire({ timeout: 0 })).toThrow(TimeoutError);
    const waiting = semaphore.acquireAsync();
    expect(await state(waiting)).toBe("pending");
    a.release();
    a.release();
    expect(await state(waiting)).toBe("fulfilled");
    b.release();
    expect(semaphore.available).toBe(1);
    expect(() => new SharedSemaphore(-1)).toThrow(RangeError);
  });

  it("Barrier opens when every party arrived, gives each a different index, and is reusable", async () => {
    const barrier = new Barrier(3);
    for (let phase = 0; phase < 3; phase++) {
      const arrivals = [barrier.waitAsync(), barrier.waitAsync()];
      expect(await state(arrivals[0]!)).toBe("pending");
      expect(barrier.waiting).toBe(2);
      arrivals.push(barrier.waitAsync());
      expect((await Promise.all(arrivals)).sort()).toEqual([0, 1, 2]);
      expect(barrier.waiting).toBe(0);
    }
    expect(new Barrier(1).wait()).toBe(0);
    expect(() => new Barrier(0)).toThrow(RangeError);
  });

  it("Barrier: a wait that times out or is aborted withdraws its arrival", async () => {
    const barrier = new Barrier(2);
    expect(() => barrier.wait({ timeout: 0 })).toThrow(TimeoutError);
    expect(barrier.waiting).toBe(0);
    const controller = new AbortController();
    const waiting = barrier.waitAsync({ signal: controller.signal });
    expect(barrier.waiting).toBe(1);
    controller.abort(new Error("stop"));
    await expect(waiting).rejects.toThrow("stop");
    expect(barrier.waiting).toBe(0);
  });

  it("Condition: waitAsync releases the mutex, notify wakes it, and it holds the mutex again", async () => {
    const condition = new Condition();
    const guard = await condition.mutex.lockAsync();
    const waiting = condition.waitAsync(guard);
    expect(condition.mutex.locked).toBe(false);
    expect(await state(waiting)).toBe("pending");
    condition.notify();
    expect(await waiting).toBe(true);
    expect(guard.held).toBe(true);
    expect(condition.mutex.locked).toBe(true);
    expect(condition.wait(guard, { timeout: 0 })).toBe(false); // timed out, and holds the mutex again
    expect(guard.held).toBe(true);
    guard.unlock();
    expect(() => condition.wait(guard)).toThrow(/already unlocked/);
    expect(() => condition.wait(new Mutex().lock())).toThrow(/another mutex/);
  });
});

describe("Channel", () => {
  it("holds at most capacity messages: trySend says false when full", () => {
    const channel = new Channel<number>(2);
    expect(channel.trySend(1)).toBe(true);
    expect(channel.trySend(2)).toBe(true);
    expect(channel.trySend(3)).toBe(false);
    expect(channel.size).toBe(2);
    expect(() => channel.send(3, { timeout: 0 })).toThrow(TimeoutError);
    expect(channel.tryReceive()).toEqual({ done: false, value: 1 });
  });

  it("copies every kind of value it documents", () => {
    const channel = new Channel<unknown>(1);
    const value = {
      text: "héllo", n: [0, -0, NaN, Infinity, -Infinity, 1.5], big: 12345678901234567890n, nothing: undefined, empty: null,
      date: new Date(1_700_000_000_000), regexp: /off+loop/gi, map: new Map<unknown, unknown>([["a", 1], [2, { b: [3] }]]), set: new Set([1, "two"]),
      bytes: new Uint8Array([1, 2, 3]), floats: new Float64Array([0.5, -2]), buffer: new Uint8Array([9, 8]).buffer,
      error: new RangeError("as data", { cause: "why" }), tricky: { "\u0000": "a user key", nested: [undefined, { deep: true }] },
    };
    channel.send(value);
    const copy = channel.receive();
    expect(copy.done).toBe(false);
    const got = copy.value as typeof value;
    expect(got.n.map((n) => Object.is(n, -0) ? "-0" : String(n))).toEqual(["0", "-0", "NaN", "Infinity", "-Infinity", "1.5"]);
    expect({ ...got, n: undefined, error: undefined }).toEqual({ ...value, n: undefined, error: undefined });
    expect("nothing" in got).toBe(true);
    expect(got.bytes).toBeInstanceOf(Uint8Array);
    expect(got.floats).toBeInstanceOf(Float64Array);
    expect([...new Uint8Array(got.buffer)]).toEqual([9, 8]);
    expect([got.error.name, got.error.message, got.error.cause]).toEqual(["RangeError", "as data", "why"]);
  });

  it("says what cannot travel, and refuses a message larger than its bytes", () => {
    const channel = new Channel<unknown>(4, { bytes: 64 });
    expect(() => channel.send({ list: [1, () => 2] })).toThrow(/value\.list\[1\].*function/);
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    expect(() => channel.send(cycle)).toThrow(/cycle/);
    expect(() => channel.send({ lock: new Mutex() })).toThrow(/task arguments/);
    expect(() => channel.send("x".repeat(100))).toThrow(RangeError);
    expect(() => new Channel(0)).toThrow(RangeError);
  });

  it("close: sends fail with ChannelClosedError, receivers drain then end (for await)", async () => {
    const channel = new Channel<number>(4);
    await channel.sendAsync(1);
    await channel.sendAsync(2);
    const received: number[] = [];
    const reading = (async () => {
      for await (const value of channel) received.push(value);
    })();
    channel.close();
    channel.close();
    await reading;
    expect(received).toEqual([1, 2]);
    expect(channel.closed).toBe(true);
    await expect(channel.sendAsync(3)).rejects.toSatisfy((error) => ChannelClosedError.isInstance(error));
    expect(() => channel.send(3)).toThrow(ChannelClosedError);
    expect([...channel]).toEqual([]);
  });

  it("sendAsync waits while full and goes on once a message is received", async () => {
    const channel = new Channel<string>(1);
    await channel.sendAsync("a");
    const waiting = channel.sendAsync("b");
    expect(await state(waiting)).toBe("pending");
    expect((await channel.receiveAsync()).value).toBe("a");
    expect(await state(waiting)).toBe("fulfilled");
    expect(channel.receive().value).toBe("b");
  });

  it("keeps messages whole and in order around its ring (fast-check, against a list)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 24, max: 80 }),
        fc.array(fc.oneof(fc.string({ maxLength: 12 }), fc.constant(null)), { maxLength: 80 }),
        (capacity, bytes, steps) => {
          const channel = new Channel<string>(capacity, { bytes });
          const model: string[] = [];
          let used = 0;
          for (const step of steps) {
            if (step === null) {
              const next = channel.tryReceive();
              const expected = model.shift();
              expect(next).toEqual(expected === undefined ? undefined : { done: false, value: expected });
              if (expected !== undefined) used -= new TextEncoder().encode(JSON.stringify(expected)).length + 4;
              continue;
            }
            const size = new TextEncoder().encode(JSON.stringify(step)).length + 4;
            if (size > bytes) continue;
            const fits = model.length < capacity && used + size <= bytes;
            expect(channel.trySend(step)).toBe(fits);
            if (fits) model.push(step), (used += size);
          }
          expect(channel.size).toBe(model.length);
        },
      ),
    );
  });
});

describe("travel: packShared, unpackShared, containsShared, refuseShared", () => {
  it("returns the arguments themselves when they hold no primitive", () => {
    new Mutex();
    const args = [1, { a: [2, 3] }, new Map([["k", "v"]])];
    expect(packShared(args)).toBe(args);
    expect(unpackShared(args)).toBe(args);
    expect(containsShared(args)).toBe(false);
    expect(refuseShared(args, "ProcessPoolExecutor")).toBeUndefined();
  });

  it("primitives arrive working, inside objects, arrays, Maps and Sets, one instance each", async () => {
    const mutex = new Mutex();
    const channel = new Channel<number>(2);
    const condition = new Condition(mutex);
    const args = [mutex, { deep: [{ channel }], condition }, new Map([["b", new Barrier(2)]]), new Set([new SharedSemaphore(0)]), 42];
    const packed = packShared(args);
    expect(Array.isArray(packed)).toBe(false);
    expect(args[0]).toBe(mutex); // the caller's arguments are not changed
    const [m, object, map, set, n] = travel(args) as [Mutex, { deep: [{ channel: Channel<number> }]; condition: Condition }, Map<string, Barrier>, Set<SharedSemaphore>, number];
    expect(n).toBe(42);
    expect(m).toBeInstanceOf(Mutex);
    expect(object.condition.mutex).toBe(m); // the same mutex, once
    const guard = m.lock();
    expect(mutex.locked).toBe(true); // the same memory
    guard.unlock();
    object.deep[0].channel.send(5);
    expect(channel.receive().value).toBe(5);
    const barrier = map.get("b")!;
    const arrivals = [barrier.waitAsync(), (args[2] as Map<string, Barrier>).get("b")!.waitAsync()];
    expect((await Promise.all(arrivals)).sort()).toEqual([0, 1]);
    [...set][0]!.release();
    expect([...(args[3] as Set<SharedSemaphore>)][0]!.available).toBe(1);
  });

  it("refuseShared names the path and says to use a ThreadPoolExecutor", () => {
    const error = refuseShared([1, { lock: new Mutex() }], 'ProcessPoolExecutor "p"')!;
    expect(SharedMemoryUnavailableError.isInstance(error)).toBe(true);
    expect(error.message).toMatch(/args\[1\]\.lock \(a Mutex\) to ProcessPoolExecutor "p"/);
    expect(error.message).toMatch(/ThreadPoolExecutor/);
    expect(containsShared([[new Channel(1)]])).toBe(true);
  });
});
