// The settings every package's vitest.config.ts starts from (they merge it with
// their own), so a package runs the same way from its folder (its `test`
// script, through scripts/vitest.mjs) and from the root's projects.
import { defineProject } from "vitest/config";

export default defineProject({
  test: {
    include: ["test/**/*.test.ts"],
    // The suites measure behaviour with real workers: one test file at a time, as
    // `node --test --test-concurrency=1` did. Inside a file vitest runs tests in order.
    fileParallelism: false,
    // node:test had no per-test timeout: a hang is caught by each test's own
    // within(…, 20 s) guard. This is the backstop; tests that need longer say so.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Child processes, not threads: Deno's vitest threads pool exits 1.
    pool: "forks",
    // The packages' built dist (what users import) is loaded by the runtime itself, not by
    // vitest's module runner: task modules then load, fail and report errors as in a user's
    // program (e.g. a syntax error in a task module is the runtime's SyntaxError).
    server: { deps: { external: [/\/dist\//] } },
  },
});
