import { runReliabilitySuite } from "@offloop/contract-tests";
import { InlineExecutor } from "@offloop/core";

const runtime = "Bun" in globalThis ? "bun" : "Deno" in globalThis ? "deno" : "node";
// Inline fuzz cases start no thread, so many more of them fit in the time.
runReliabilitySuite({ name: `InlineExecutor on ${runtime}`, runtime, createExecutor: (options) => new InlineExecutor(options), fuzzRuns: 100 });
