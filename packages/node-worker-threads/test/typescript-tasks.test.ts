import { describe, it } from "vitest";
import assert from "node:assert/strict";
import { TaskDefinitionError } from "@offloop/core";
import { ThreadPoolExecutor } from "@offloop/node-worker-threads";
import tsTasks from "./fixtures/ts-tasks.ts";

/** Node strips TypeScript types in worker threads from 22.18 (and in 24); Node 20 cannot load a .ts module there. */
const [major, minor] = process.versions.node.split(".").map(Number) as [number, number];
const stripsTypes = major > 22 || (major === 22 && minor >= 18);

describe(`TypeScript task modules on Node ${process.versions.node}`, () => {
  it(stripsTypes ? "runs a task from a .ts module in a worker" : "fails a task from a .ts module with a TaskDefinitionError that says what to do", async () => {
    await using executor = new ThreadPoolExecutor({ maxWorkers: 1 });
    const outcome: { value: number } | { error: Error } = await Promise.resolve(executor.submit(tsTasks.double, 21)).then(
      (value) => ({ value }),
      (error: Error) => ({ error }),
    );
    if (stripsTypes) {
      assert.deepEqual(outcome, { value: 42 });
    } else {
      assert.ok("error" in outcome && TaskDefinitionError.isInstance(outcome.error), `expected TaskDefinitionError, got ${JSON.stringify(outcome)}`);
      assert.match(outcome.error.message, /Node 22\.18\+ or 24/);
      assert.match(outcome.error.message, /JavaScript/);
    }
  });
});
