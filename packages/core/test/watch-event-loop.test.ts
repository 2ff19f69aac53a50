import { describe, it } from "vitest";
import assert from "node:assert/strict";
import { watchEventLoop, sleep, type Clock, type EventLoopBlock } from "@offloop/core";
import { countingClock } from "./helpers.ts";

describe("watchEventLoop", () => {
  it("reports a block longer than the threshold, and nothing else", () => {
    const clock = blockableClock();
    const blocks: EventLoopBlock[] = [];
    const stop = watchEventLoop({ threshold: 100, onBlock: (block) => blocks.push(block), clock });
    clock.advance(1_000);
    assert.deepEqual(blocks, []);
    clock.block(80);
    clock.advance(100);
    assert.deepEqual(blocks, []);
    clock.block(300);
    clock.advance(100);
    assert.deepEqual(blocks, [{ duration: 300 }]);
    stop();
    clock.block(500);
    clock.advance(1_000);
    assert.equal(blocks.length, 1);
  });

  it("only sets unref'd timers, and stop() clears them", () => {
    const clock = blockableClock();
    const stop = watchEventLoop({ onBlock: () => {}, clock });
    clock.advance(1_000);
    assert.ok(clock.calls.length > 1);
    assert.ok(clock.calls.every((options) => options?.unref === true));
    stop();
    assert.equal(clock.active(), 0);
  });

  it("reports a real 200 ms busy block", async () => {
    const blocks: EventLoopBlock[] = [];
    const stop = watchEventLoop({ threshold: 100, onBlock: (block) => blocks.push(block) });
    try {
      await sleep(30);
      const until = performance.now() + 200;
      while (performance.now() < until) {
        // the event loop is blocked here
      }
      await sleep(100);
    } finally {
      stop();
    }
    assert.equal(blocks.length, 1);
    assert.ok(blocks[0]!.duration >= 100, `reported ${blocks[0]!.duration} ms`);
  });

  it("throws naming the bad argument", () => {
    assert.throws(() => watchEventLoop(undefined as never), {
      name: "TypeError",
      message: "Expected options to be an object with an onBlock function, got undefined",
    });
    assert.throws(() => watchEventLoop({} as never), { name: "TypeError", message: "Expected onBlock to be a function, got undefined" });
    assert.throws(() => watchEventLoop({ threshold: 0, onBlock() {} }), {
      name: "RangeError",
      message: "Expected threshold to be a positive finite number, got 0",
    });
  });
});

/**
 * A manual clock whose time can jump without timers firing, as if a callback
 * held the event loop; it records the options of each timer and counts live ones.
 */
function blockableClock(): Clock & { advance(ms: number): void; block(ms: number): void; calls: Array<{ unref?: boolean } | undefined>; active(): number } {
  const base = countingClock();
  let skew = 0;
  const calls: Array<{ unref?: boolean } | undefined> = [];
  return {
    ...base,
    now: () => base.now() + skew,
    setTimeout(callback, ms, options) {
      calls.push(options);
      return base.setTimeout(callback, ms, options);
    },
    block(ms) {
      skew += ms;
    },
    calls,
  };
}
