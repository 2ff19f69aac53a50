import { expect, it } from "vitest";
import { fileURLToPath } from "node:url";
import { headline, runReport, runExample, runtimesOf, unavailable } from "../../../scripts/example-runtimes.mjs";

const dir = fileURLToPath(new URL("..", import.meta.url));

for (const runtime of runtimesOf(dir)) {
  it(`error-handling on ${runtime.name}: results and errors with class, message, cause and the frame in the task`, async ({ skip }) => {
    const reason = unavailable(runtime, dir);
    if (reason) return skip(reason);
    const result = await runExample(runtime, dir, "main.ts", { timeout: 60_000 });
    expect(result.code, runReport(result)).toBe(0);
    const out = result.stdout;
    expect(out).toMatch(/job 1: ok +record 1: total 10/);
    expect(out).toMatch(/job 2: InvalidRecordError: record 2 has a negative total \(-3\)\n +instanceof InvalidRecordError: true\n +record field: 2\n +thrown at .*riskyJob tasks\.ts:\d+:\d+/);
    expect(out).toMatch(/job 3: ok +record 3: total 7/);
    expect(out).toMatch(/job 4: SyntaxError: record 4 is not JSON\n +instanceof InvalidRecordError: false\n +cause: SyntaxError: .+\n +thrown at .*riskyJob tasks\.ts:\d+:\d+/);
    expect(out).toMatch(/job 5: InvalidRecordError: record 5 has no total\n(.*\n){2} +cause: TypeError: total is null/);
    expect(out).toMatch(/2 ok, 3 failed/);
    expect(headline(out)).toBe("2 results and 3 errors from 5 jobs; 3 of 3 errors kept their class and stack, 2 their cause");
  }, 90_000);
}
