import { runReliabilitySuite } from "@offloop/contract-tests";
import { InlineExecutor } from "@offloop/core";

const runtime = "Bun" in globalThis ? "bun" : "Deno" in globalThis ? "deno" : "node";
runReliabilitySuite({ name: `InlineExecutor on ${runtime}`, runtime, createExecutor: (options) => new InlineExecutor(options) });
