import { runReliabilitySuite } from "@offloop/contract-tests";
import { ProcessPoolExecutor } from "@offloop/node-child-process";
import { runtimeName } from "./helpers.ts";

runReliabilitySuite({
  name: `node-child-process on ${runtimeName}`,
  runtime: runtimeName,
  createExecutor: (options) => new ProcessPoolExecutor(options),
  // Bun ignores --max-old-space-size, and the executor refuses the option there.
  memoryLimit: runtimeName === "bun" ? undefined : { maxOldGenerationSizeMb: 32 },
  // The package's entry, as its exports "." resolve it (vitest on Deno has no import.meta.resolve).
  adapter: { module: new URL("../dist/index.js", import.meta.url).href, exportName: "ProcessPoolExecutor" },
  // Each fuzz case starts fresh children (hundreds of ms each); a longer run: OFFLOOP_FUZZ_RUNS=200.
  fuzzRuns: Number(process.env.OFFLOOP_FUZZ_RUNS ?? 5),
});
