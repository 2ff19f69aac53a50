import { defineProject, mergeConfig } from "vitest/config";
import shared from "../../vitest.shared.ts";

// The test task modules are TypeScript (test/fixtures/tasks.ts), and the pool's
// children inherit the test process's execArgv: on Node, tsx loads them (Node 20
// cannot strip types), as `node --import tsx --test` did. Bun and Deno run
// TypeScript themselves and take no --import.
const onNode = !("Bun" in globalThis) && !("Deno" in globalThis);

export default mergeConfig(shared, defineProject({ test: { execArgv: onNode ? ["--import", "tsx"] : [] } }));
