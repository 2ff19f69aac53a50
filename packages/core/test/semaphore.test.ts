import { describe, it } from "vitest";
import assert from "node:assert/strict";
import fc from "fast-check";
import { Semaphore, BoundedSemaphore, type Permit } from "@offloop/core";
import { flush } from "./helpers.ts";

describe("Semaphore", () => {
  it("counts permits: available, locked", async () => {
    const sem = new Semaphore(2);
    assert.equal(sem.available, 2);
    assert.equal(sem.locked, false);
    const first = await sem.acquire();
    await sem.acquire();
    assert.equal(sem.available, 0);
    assert.equal(sem.locked, true);
    first.release();
    assert.equal(sem.available, 1);
    assert.equal(new Semaphore().available, 1);
  });

  it("serves waiters first come, first served", async () => {
    const sem = new Semaphore(1);
    const holder = await sem.acquire();
    const order: number[] = [];
    const waiters = [1, 2, 3].map((n) =>
      sem.acquire().then((permit) => {
        order.push(n);
        return permit;
      }),
    );
    holder.release();
    (await waiters[0]!).release();
    (await waiters[1]!).release();
    (await waiters[2]!).release();
    assert.deepEqual(order, [1, 2, 3]);
    assert.equal(sem.available, 1);
  });

  it("a newcomer does not overtake a waiter", async () => {
    const sem = new Semaphore(1);
    const holder = await sem.acquire();
    const waiter = sem.acquire();
    holder.release();
    let newcomerGotIt = false;
    const newcomer = sem.acquire().then((permit) => ((newcomerGotIt = true), permit));
    (await waiter).release();
    (await newcomer).release();
    assert.equal(newcomerGotIt, true);
    assert.equal(sem.available, 1);
  });

  it("aborting a waiter rejects with the signal's reason and removes it, losing no permit", async () => {
    const sem = new Semaphore(1);
    const holder = await sem.acquire();
    const controller = new AbortController();
    const aborted = sem.acquire({ signal: controller.signal });
    const next = sem.acquire();
    const reason = new Error("gave up");
    controller.abort(reason);
    await assert.rejects(aborted, (error) => error === reason);
    holder.release();
    (await next).release();
    assert.equal(sem.available, 1);

    const lone = new AbortController();
    const held = await sem.acquire();
    const lonely = sem.acquire({ signal: lone.signal });
    lone.abort();
    await assert.rejects(lonely, { name: "AbortError" });
    held.release();
    assert.equal(sem.available, 1);
    await assert.rejects(sem.acquire({ signal: AbortSignal.abort("already") }), (error) => error === "already");
    assert.equal(sem.available, 1);
  });

  it("await using releases the permit at the end of the block; releasing a permit twice releases once", async () => {
    const sem = new Semaphore(1);
    {
      await using permit = await sem.acquire();
      assert.equal(sem.available, 0);
      assert.equal(typeof permit[Symbol.dispose], "function");
    }
    assert.equal(sem.available, 1);
    const permit = await sem.acquire();
    permit.release();
    permit.release();
    permit[Symbol.dispose]();
    assert.equal(sem.available, 1);
  });

  it("use(fn) returns fn's result and releases even when fn throws", async () => {
    const sem = new Semaphore(1);
    assert.equal(await sem.use(async () => 42), 42);
    await assert.rejects(sem.use(() => { throw new Error("inner") }), { message: "inner" });
    await assert.rejects(sem.use(async () => { throw new Error("async inner") }), { message: "async inner" });
    assert.equal(sem.available, 1);
    let inside = 0;
    let most = 0;
    const three = new Semaphore(3);
    await Promise.all(
      Array.from({ length: 10 }, () =>
        three.use(async () => {
          most = Math.max(most, ++inside);
          await Promise.resolve();
          inside--;
        }),
      ),
    );
    assert.equal(most, 3);
    await assert.rejects(sem.use(() => 1, { signal: AbortSignal.abort(new Error("no")) }), { message: "no" });
    assert.equal(sem.available, 1);
  });

  it("a plain Semaphore may be released above its start, like Python's", () => {
    const sem = new Semaphore(1);
    sem.release();
    assert.equal(sem.available, 2);
  });

  it("throws naming the bad argument", () => {
    assert.throws(() => new Semaphore(-1), { name: "RangeError", message: "Expected permits to be a non-negative integer, got -1" });
    assert.throws(() => new Semaphore(1.5), { name: "RangeError", message: "Expected permits to be a non-negative integer, got 1.5" });
    assert.throws(() => new Semaphore("2" as never), { name: "TypeError", message: 'Expected permits to be a non-negative integer, got "2"' });
    assert.throws(() => new Semaphore(1).acquire({ signal: "x" as never }), { name: "TypeError", message: 'Expected signal to be an AbortSignal, got "x"' });
    assert.throws(() => new Semaphore(1).use(undefined as never), { name: "TypeError", message: "Expected fn to be a function, got undefined" });
  });
});

describe("BoundedSemaphore", () => {
  it("throws a RangeError on releasing more than acquired", async () => {
    const sem = new BoundedSemaphore(2);
    const permit = await sem.acquire();
    permit.release();
    assert.throws(() => sem.release(), {
      name: "RangeError",
      message: "BoundedSemaphore released too many times: expected at most 2 available permits, got 3",
    });
    assert.equal(sem.available, 2);
  });

  it("hands a release to a waiter", async () => {
    const sem = new BoundedSemaphore(1);
    await sem.acquire();
    const waiter = sem.acquire();
    sem.release();
    (await waiter).release();
    assert.equal(sem.available, 1);
  });

  it("loses no permit under 10,000 random acquire/abort/release operations", async () => {
    const operation = fc.oneof(
      fc.record({ kind: fc.constant("acquire" as const) }),
      fc.record({ kind: fc.constant("acquireAborted" as const) }),
      fc.record({ kind: fc.constant("abort" as const), pick: fc.nat() }),
      fc.record({ kind: fc.constant("release" as const), pick: fc.nat() }),
      fc.record({ kind: fc.constant("releaseAgain" as const), pick: fc.nat() }),
      fc.record({ kind: fc.constant("useThrows" as const) }),
    );
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 4 }), fc.array(operation, { minLength: 10_000, maxLength: 10_000 }), async (permits, operations) => {
        // BoundedSemaphore: a permit released twice, or handed out twice, would throw.
        const sem = new BoundedSemaphore(permits);
        const waiting = new Set<{ controller: AbortController }>();
        const held: Permit[] = [];
        const released: Permit[] = [];
        for (const op of operations) {
          switch (op.kind) {
            case "acquire": {
              const waiter = { controller: new AbortController() };
              waiting.add(waiter);
              sem.acquire({ signal: waiter.controller.signal }).then(
                (permit) => (waiting.delete(waiter), held.push(permit)),
                (reason: unknown) => {
                  assert.equal(reason, waiter.controller.signal.reason);
                  waiting.delete(waiter);
                },
              );
              break;
            }
            case "acquireAborted":
              await assert.rejects(sem.acquire({ signal: AbortSignal.abort() }));
              break;
            case "abort": {
              const waiters = [...waiting];
              if (waiters.length > 0) waiters[op.pick % waiters.length]!.controller.abort();
              break;
            }
            case "release":
              if (held.length > 0) {
                const [permit] = held.splice(op.pick % held.length, 1);
                permit!.release();
                released.push(permit!);
              }
              break;
            case "releaseAgain":
              if (released.length > 0) released[op.pick % released.length]!.release();
              break;
            case "useThrows":
              await sem.use(() => { throw new Error("inside") }, { signal: AbortSignal.abort() }).catch(() => {});
              if (sem.available > 0) await assert.rejects(sem.use(() => { throw new Error("inside") }));
              break;
          }
          await flush();
          assert.equal(sem.available + held.length, permits, "every permit is either available or held");
          if (waiting.size > 0) assert.equal(sem.available, 0, "nobody waits while a permit is free");
        }
        for (const waiter of waiting) waiter.controller.abort();
        for (const permit of held.splice(0)) permit.release();
        await flush();
        assert.equal(sem.available, permits);
        assert.equal(waiting.size, 0);
      }),
      { numRuns: 3 },
    );
  });
});
