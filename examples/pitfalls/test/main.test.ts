import { test } from "node:test";
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { failureReason, runExample, runtimes, unavailable } from "../../../scripts/example-runtimes.mjs";

const dir = fileURLToPath(new URL("..", import.meta.url));

for (const runtime of runtimes) {
  test(`pitfalls on ${runtime.name}: each mistake and what offloop does, then the process exits without shutdown()`, async (t) => {
    const reason = unavailable(runtime, dir);
    if (reason) return t.skip(reason);
    const result = await runExample(runtime, dir, "main.ts", { timeout: 20_000 });
    const out = result.stdout;
    assert.match(out, /1\. async function in an executor: awaited in the worker -> "hello, Ada"/);
    const block = Number(/2\. blocking call on the event loop: watchEventLoop reported a block of (\d+) ms/.exec(out)?.[1]);
    assert.ok(block >= 200, `expected a block of about 400 ms, got ${block}`);
    assert.match(out, /the same call through runInExecutor: no block reported/);
    assert.match(out, /3\. a pool of 0 workers: RangeError: Expected maxWorkers to be a positive integer.*got 0/);
    assert.match(out, /maxWorkers: 64 and 4 small tasks started [1-4] worker\(s\)/);
    assert.match(out, /4\. a closure sent to a worker: ReferenceError: factor is not defined.*defineTasks/);
    assert.match(out, /5\. a function inside an argument: TaskArgumentError: Cannot send args\[0\]\.onDone/);
    assert.match(out, /6\. an executor never shut down/);
    // The point of 6: the process ends by itself, although no executor was shut down.
    assert.equal(result.code, 0, failureReason(result));
  });
}
