// The spin lane's state machine, both sides on one thread: who owns a hand-off after each step.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { fitsLane, LANE_BYTES, LANE_STRING_UNITS, LaneState, SpinLane } from "@offloop/core";

const newLane = () => new SpinLane(new SharedArrayBuffer(LANE_BYTES));

/** One hand-off while both sides watch: the value goes there as the argument and comes back as the result. */
function roundTrip(value: unknown): { arg: unknown; result: unknown } {
  const lane = newLane();
  expect(lane.listen()).toBe(true);
  expect(lane.offer(9, 3, true, value)).toBe(true);
  const task = lane.take()!;
  expect(task.taskId).toBe(9);
  expect(task.fnId).toBe(3);
  expect(task.args).toHaveLength(1);
  expect(lane.answer(task.args[0])).toBe(true);
  expect(lane.hasResult()).toBe(true);
  expect(lane.taskId).toBe(9);
  const result = lane.takeResult();
  expect(lane.state).toBe(LaneState.IDLE);
  return { arg: task.args[0], result };
}

describe("SpinLane", () => {
  it("carries small values there and back exactly: -0, NaN, strings of up to 128 code units, lone surrogates", () => {
    const values = [0, -0, NaN, Infinity, -Infinity, -1.5, 2 ** 53 + 2, Number.MIN_VALUE, true, false, null, undefined, "", "é", "x".repeat(LANE_STRING_UNITS), "\u{1F600}".repeat(LANE_STRING_UNITS / 2), "\ud800", "\u0000a\u0000"];
    for (const value of values) {
      const { arg, result } = roundTrip(value);
      expect(Object.is(arg, value)).toBe(true);
      expect(Object.is(result, value)).toBe(true);
    }
  });

  it("carries any fitting value (property)", () => {
    const small = fc.oneof(fc.double(), fc.integer(), fc.boolean(), fc.constant(null), fc.constant(undefined), fc.string({ maxLength: LANE_STRING_UNITS, unit: "binary" }));
    fc.assert(fc.property(small, (value) => {
      const { arg, result } = roundTrip(value);
      return Object.is(arg, value) && Object.is(result, value);
    }));
  });

  it("a task with no argument arrives with none", () => {
    const lane = newLane();
    lane.listen();
    expect(lane.offer(1, 1, false, undefined)).toBe(true);
    expect(lane.take()?.args).toEqual([]);
  });

  it("refuses what does not fit, and what comes while the worker is not listening; nothing is written", () => {
    for (const value of ["x".repeat(LANE_STRING_UNITS + 1), { a: 1 }, [1], 1n, new Uint8Array(1)]) expect(fitsLane(value)).toBe(false);
    const lane = newLane();
    expect(lane.offer(1, 1, false, undefined)).toBe(false); // idle: not listening
    lane.listen();
    expect(lane.offer(1, 1, true, { a: 1 })).toBe(false);
    expect(lane.offer(1, 1, true, "x".repeat(LANE_STRING_UNITS + 1))).toBe(false);
    expect(lane.state).toBe(LaneState.LISTENING);
    expect(lane.hasTask()).toBe(false);
  });

  it("a worker that stops listening is told when a task came meanwhile, and takes it", () => {
    const lane = newLane();
    lane.listen();
    expect(lane.stopListening()).toBe(true);
    expect(lane.state).toBe(LaneState.IDLE);
    lane.listen();
    lane.offer(4, 1, true, 1);
    expect(lane.stopListening()).toBe(false);
    expect(lane.take()?.taskId).toBe(4);
    // Running: nothing more can come until it is answered.
    expect(lane.stopListening()).toBe(true);
    expect(lane.listen()).toBe(false);
  });

  it("a pool that stops watching before the task is taken gets the answer by port", () => {
    const lane = newLane();
    lane.listen();
    lane.offer(4, 1, true, 1);
    expect(lane.stopWatching()).toBe(false);
    expect(lane.state).toBe(LaneState.TASK_UNWATCHED);
    expect(lane.watched).toBe(false);
    expect(lane.hasTask()).toBe(true);
    expect(lane.take()?.taskId).toBe(4);
    expect(lane.state).toBe(LaneState.RUNNING_UNWATCHED);
    expect(lane.answer(2)).toBe(false);
    expect(lane.state).toBe(LaneState.IDLE);
  });

  it("a pool that stops watching while the task runs gets the answer by port", () => {
    const lane = newLane();
    lane.listen();
    lane.offer(4, 1, true, 1);
    lane.take();
    expect(lane.watched).toBe(true);
    expect(lane.stopWatching()).toBe(false);
    expect(lane.answer(2)).toBe(false);
    expect(lane.hasResult()).toBe(false);
    expect(lane.state).toBe(LaneState.IDLE);
  });

  it("a pool that stops watching after the answer came still takes it", () => {
    const lane = newLane();
    lane.listen();
    lane.offer(4, 1, true, 1);
    lane.take();
    lane.answer("two");
    expect(lane.stopWatching()).toBe(true);
    expect(lane.takeResult()).toBe("two");
  });

  it("a result that does not fit, an error or a dropped task frees the lane for the port", () => {
    const lane = newLane();
    lane.listen();
    lane.offer(4, 1, true, 1);
    lane.take();
    expect(lane.answer({ big: true })).toBe(false);
    expect(lane.state).toBe(LaneState.IDLE);
    lane.listen();
    lane.offer(5, 1, true, 1);
    lane.take();
    lane.release();
    expect(lane.state).toBe(LaneState.IDLE);
    expect(lane.watched).toBe(false);
  });

  it("refuses a buffer too small for it", () => {
    expect(() => new SpinLane(new SharedArrayBuffer(8))).toThrow(RangeError);
  });
});
