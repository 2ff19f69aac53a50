import { expect, it } from "vitest";
import { fileURLToPath } from "node:url";
import { headline, runReport, runExample, runtimesOf, unavailable } from "../../../scripts/example-runtimes.mjs";

const dir = fileURLToPath(new URL("..", import.meta.url));

for (const runtime of runtimesOf(dir)) {
  it(`timeout on ${runtime.name}: TimeoutError, the worker is replaced and the side effect never happens`, async ({ skip }) => {
    const reason = unavailable(runtime, dir);
    if (reason) return skip(reason);
    const result = await runExample(runtime, dir, "main.ts", { timeout: 60_000 });
    expect(result.code, runReport(result)).toBe(0);
    expect(result.stdout).toMatch(/TimeoutError after \d+ ms: Timed out after 500 ms/);
    expect(result.stdout).toMatch(/worker (\d+) was terminated; worker (?!\1)\d+ serves the next task/);
    expect(result.stdout).toMatch(/side effect never happened: the task was really stopped/);
    expect(result.stdout).toMatch(/"cancelled":1/);
    expect(headline(result.stdout)).toBe("TimeoutError after 500 ms, and the task really stopped (no side effect)");
  }, 90_000);
}
