import { runReliabilitySuite } from "@offloop/contract-tests";
import { ThreadPoolExecutor } from "@offloop/node-worker-threads";

runReliabilitySuite({
  name: "node-worker-threads",
  runtime: "node",
  createExecutor: (options) => new ThreadPoolExecutor(options),
  memoryLimit: { resourceLimits: { maxOldGenerationSizeMb: 32 } },
  // The package's entry, as its exports "." resolve it (vitest on Deno has no import.meta.resolve).
  adapter: { module: new URL("../dist/index.js", import.meta.url).href, exportName: "ThreadPoolExecutor" },
});
