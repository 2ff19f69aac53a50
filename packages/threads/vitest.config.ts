import { defineProject } from "vitest/config";
import shared from "../../vitest.shared.ts";

// threads.js on Bun and Deno: the contract suite only (as before the move to vitest).
// The reliability suite needs what threads.js has on Node only (resourceLimits for the
// OOM test: Bun and Deno ignore them and the test would hang until its timeout).
const onNode = !("Bun" in globalThis) && !("Deno" in globalThis);

// (Spread, not mergeConfig: mergeConfig would append to the shared include list.)
export default defineProject({ ...shared, test: { ...shared.test, ...(onNode ? {} : { include: ["test/contract.test.ts"] }) } });
