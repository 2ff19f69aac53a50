import { expect, it } from "vitest";
import { fileURLToPath } from "node:url";
import { headline, runReport, runExample, runtimesOf, unavailable } from "../../../scripts/example-runtimes.mjs";

const dir = fileURLToPath(new URL("..", import.meta.url));

for (const runtime of runtimesOf(dir)) {
  it(`pitfalls on ${runtime.name}: each mistake and what offloop does, then the process exits without shutdown()`, async ({ skip }) => {
    const reason = unavailable(runtime, dir);
    if (reason) return skip(reason);
    const result = await runExample(runtime, dir, "main.ts", { timeout: 60_000 });
    const out = result.stdout;
    expect(out).toMatch(/1\. async function in an executor: awaited in the worker -> "hello, Ada"/);
    const block = Number(/2\. blocking call on the event loop: watchEventLoop reported a block of (\d+) ms/.exec(out)?.[1]);
    expect(block, `expected a block of about 400 ms:\n${out}`).toBeGreaterThanOrEqual(200);
    // Through the executor the loop stays free: nothing reported, or (a loaded machine) far less than the blocking call.
    const [, executorBlock] = /the same call through runInExecutor: (?:no block reported|blocked (\d+) ms)/.exec(out) ?? [];
    expect(out).toMatch(/the same call through runInExecutor: /);
    if (executorBlock) expect(Number(executorBlock)).toBeLessThan(block / 2);
    expect(out).toMatch(/3\. a pool of 0 workers: RangeError: Expected maxWorkers to be a positive integer.*got 0/);
    expect(out).toMatch(/maxWorkers: 64 and 4 small tasks started [1-4] worker\(s\)/);
    expect(out).toMatch(/4\. a closure sent to a worker: ReferenceError: factor is not defined.*defineTasks/);
    expect(out).toMatch(/5\. a function inside an argument: TaskArgumentError: Cannot send .*args\[0\]\.onDone/);
    expect(out).toMatch(/6\. an executor never shut down/);
    expect(headline(out)).toMatch(/^6 mistakes made on purpose/);
    // The point of 6: the process ends by itself, although no executor was shut down.
    expect(result.code, runReport(result)).toBe(0);
  }, 90_000);
}
