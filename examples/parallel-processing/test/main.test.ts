import { expect, it } from "vitest";
import { fileURLToPath } from "node:url";
import { headline, runReport, runExample, runtimesOf, unavailable } from "../../../scripts/example-runtimes.mjs";

const dir = fileURLToPath(new URL("..", import.meta.url));

for (const runtime of runtimesOf(dir)) {
  it(`parallel-processing on ${runtime.name}: pools agree with the main thread and print their speedup`, async ({ skip }) => {
    const reason = unavailable(runtime, dir);
    if (reason) return skip(reason);
    const result = await runExample(runtime, dir, "main.ts", { timeout: 90_000 });
    expect(result.code, runReport(result)).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`parallel-processing on ${runtime.name}:`));
    expect(result.stdout).toMatch(/all 3 agree: 148,933 primes/);
    expect(result.stdout).toMatch(/ThreadPoolExecutor\s+\d+ ms\s+speedup [\d.]+x/);
    expect(result.stdout).toMatch(/ProcessPoolExecutor\s+\d+ ms\s+speedup [\d.]+x/);
    // The speedups are printed, not asserted: tests check behaviour, benchmarks measure speed (internal/bench).
    expect(headline(result.stdout)).toMatch(/^speedup [\d.]+x with threads, [\d.]+x with processes \(started in \d+ and \d+ ms\); all agree$/);
  }, 120_000);
}
